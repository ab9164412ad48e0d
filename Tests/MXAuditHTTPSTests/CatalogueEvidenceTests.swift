import Foundation
import MXAuditTestSupport
import MXAuditExecutor
import MXAuditHTTPS
import MXAuditModel
import MXAuditRecords
import Testing

/// Every MTA-STS, TLS-RPT, SPF, DMARC and DKIM fact the testbed catalogue states, observed
/// through the real fetcher and parsers: TXT records read with dig from the testbed resolver,
/// policies fetched from the testbed's nginx.
@Suite("Testbed catalogue: MTA-STS, TLS-RPT, SPF, DMARC, DKIM", .serialized)
struct CatalogueEvidenceTests {
    let environment: TestbedEnvironment
    let catalogue: TestbedCatalogue
    let dig: Dig

    init() throws {
        environment = try TestbedEnvironment.load()
        catalogue = try TestbedCatalogue.load(environment)
        dig = Dig(resolver: environment.resolver)
    }

    private func domains(stating key: String) throws -> [TestbedCatalogue.Domain] {
        let stating = catalogue.scenariosAndFleetSamples.filter { $0.expect[key] != nil }
        try #require(!stating.isEmpty, "the catalogue states no \(key)")
        return stating
    }

    @Test func mtaSTSRecordDiscovery() async throws {
        for domain in try domains(stating: "mta_sts_txt") {
            let expected = try #require(domain.string("mta_sts_txt"))
            let record = STSRecordParser.discover(await dig.txt("_mta-sts.\(domain.name)"))
            switch expected {
            case "valid": #expect(record.value?.isValid == true, "\(domain.name): \(record)")
            case "missing": #expect(record.status == .absent, "\(domain.name): \(record)")
            case "multiple": #expect(record.value?.errors.map(\.id) == ["multiple_records"], "\(domain.name): \(record)")
            case "syntax_error":
                #expect(record.value?.isValid == false && record.value?.errors.contains { $0.id == "id_invalid" || $0.id == "syntax" } == true,
                        "\(domain.name): \(record)")
            default: Issue.record("\(domain.name): unknown mta_sts_txt expectation \(expected)")
            }
        }
    }

    @Test func mtaSTSPolicyFetchModeAndCoverage() async throws {
        let fetcher = MTASTSFetcher(executor: BlockingExecutor(maximumThreads: 8), caFile: environment.caFile, timeout: .seconds(20))
        var fetched = 0
        for domain in try domains(stating: "mta_sts_policy") {
            let expected = try #require(domain.string("mta_sts_policy"))
            let record = STSRecordParser.discover(await dig.txt("_mta-sts.\(domain.name)"))
            guard expected != "not_fetched" else {
                // The engine fetches only after discovery found one valid record.
                #expect(record.value?.isValid != true, "\(domain.name): discovery must stop before the fetch")
                continue
            }
            #expect(record.value?.isValid == true, "\(domain.name): \(record)")
            let host = "mta-sts.\(domain.name)"
            var addresses = domain.mta_sts?.address.map { [$0] } ?? []
            if addresses.isEmpty { addresses = await dig.addresses(host) }
            let fetch = await fetcher.fetchPolicy(domain: domain.name, addresses: addresses)
            let policy = MTASTSPolicyParser.policy(from: fetch)
            fetched += 1
            let context = "\(domain.name) (\(expected)): fetch \(fetch), policy \(policy)"
            switch expected {
            case "valid":
                #expect(fetch.value?.status == 200 && fetch.value?.webPKI.valid == true, "\(context)")
                #expect(fetch.value?.contentType?.hasPrefix("text/plain") == true, "\(context)")
                #expect(fetch.value?.tlsVersion?.hasPrefix("TLSv1.") == true && fetch.value?.certificate != nil, "\(context)")
                #expect(policy.value?.isValid == true, "\(context)")
                if let mode = domain.string("mta_sts_mode") { #expect(policy.value?.mode?.rawValue == mode, "\(context)") }
                if let uncovered = domain.strings("mta_sts_uncovered_mx") {
                    let coverage = MXPatternMatcher.coverage(hosts: domain.exchanges, patterns: policy.value?.mx ?? [])
                    #expect(coverage.filter { !$0.covered }.map(\.host) == uncovered, "\(context): \(coverage)")
                }
            case "http_404":
                guard case .absent(let reason) = fetch else { Issue.record("\(context)"); continue }
                #expect(reason.contains("404"), "\(context)")
            case "wrong_content_type":
                #expect(fetch.value?.status == 200 && fetch.value?.webPKI.valid == true, "\(context)")
                #expect(fetch.value?.contentType.map { !$0.hasPrefix("text/plain") } == true, "\(context)")
            case "redirect":
                let target = try #require(domain.mta_sts?.redirect)
                #expect(fetch.value.map { (300...399).contains($0.status ?? 0) } == true, "\(context)")
                #expect(fetch.value?.redirectLocation?.hasSuffix(target) == true, "the finding names the target: \(context)")
                #expect(policy.status == .absent, "a redirect is never followed: \(context)")
            case "cert_expired", "cert_wrong_name", "cert_self_signed":
                let problem = ["cert_expired": "expired", "cert_wrong_name": "name_mismatch", "cert_self_signed": "self_signed"][expected]
                #expect(fetch.value?.webPKI.valid == false && fetch.value?.webPKI.problem == problem, "\(context)")
                #expect(fetch.value?.status == nil && fetch.value?.body == "", "no request over an unverified connection: \(context)")
                #expect(fetch.value?.certificate != nil, "the certificate is recorded: \(context)")
                #expect(policy.status == .absent, "\(context)")
                if expected == "cert_expired" { #expect((fetch.value?.webPKI.daysToExpiry ?? 0) < 0, "\(context)") }
            case "syntax_error":
                #expect(policy.value?.isValid == false && policy.value?.mode == nil, "\(context)")
                #expect(policy.value?.errors.contains { $0.id == "syntax" } == true, "\(context)")
            case "max_age_out_of_range":
                #expect(policy.value?.errors.map(\.id) == ["max_age_out_of_range"], "\(context)")
                #expect(policy.value?.lenientMaxAge == MTASTSPolicyParser.maximumMaxAge, "\(context)")
            default:
                Issue.record("\(domain.name): unknown mta_sts_policy expectation \(expected)")
            }
        }
        #expect(fetched > 0)
    }

    @Test func tlsRPT() async throws {
        for domain in try domains(stating: "tls_rpt") {
            let record = TLSRPTParser.parse(await dig.txt("_smtp._tls.\(domain.name)"))
            switch try #require(domain.string("tls_rpt")) {
            case "valid": #expect(record.value?.isValid == true, "\(domain.name): \(record)")
            case "invalid": #expect(record.value?.isValid == false, "\(domain.name): \(record)")
            default: #expect(record.status == .absent, "\(domain.name): \(record)")
            }
        }
    }

    @Test func spfWithIncludesFollowedThroughDNS() async throws {
        let dig = self.dig
        let evaluator = SPFEvaluator(lookup: { await dig.txt($0) }, hostLookup: { name, question in await dig.count(name, question.rawValue.uppercased()) })
        for domain in try domains(stating: "spf") {
            let spf = await evaluator.evaluate(domain: domain.name, txt: await dig.txt(domain.name))
            let context = "\(domain.name): \(spf)"
            let record = spf.value
            switch try #require(domain.string("spf")) {
            case "hardfail", "softfail":
                #expect(record?.allQualifier == (domain.string("spf") == "hardfail" ? "-" : "~"), "\(context)")
                #expect((record?.dnsLookups ?? 99) <= SPFEvaluator.lookupLimit, "\(context)")
            case "weak":
                #expect(["+", "?", nil].contains(record?.allQualifier) && record != nil, "\(context)")
            case "too_many_lookups":
                #expect(record?.errors.contains { $0.id == "too_many_lookups" } == true, "\(context)")
                #expect(record?.dnsLookups == 12 && record?.lookupsComplete == true, "\(context)")
            default:
                #expect(spf.status == .absent, "\(context)")
            }
        }
    }

    @Test func dmarc() async throws {
        let dig = self.dig
        let evaluator = DMARCEvaluator(lookup: { await dig.txt($0) })
        for domain in try domains(stating: "dmarc") {
            let dmarc = await evaluator.evaluate(domain: domain.name, txt: await dig.txt("_dmarc.\(domain.name)"))
            let expected = try #require(domain.string("dmarc"))
            if expected == "missing" {
                #expect(dmarc.status == .absent, "\(domain.name): \(dmarc)")
            } else {
                #expect(dmarc.value?.policy == expected && dmarc.value?.isValid == true, "\(domain.name): \(dmarc)")
                #expect(dmarc.value?.externalAuthorisations.isEmpty == true, "\(domain.name): reports stay in the domain")
            }
        }
    }

    @Test func dkimSelectorsAndTheDomainKeyNode() async throws {
        for domain in try domains(stating: "dkim_domainkey") {
            let node = try await dig.query("_domainkey.\(domain.name)", "TXT").status
            #expect(node == (domain.string("dkim_domainkey") == "present" ? "NOERROR" : "NXDOMAIN"), "\(domain.name): \(node)")
            for selector in domain.records.dkim_selectors {
                let key = DKIMKeyParser.parse(await dig.txt("\(selector)._domainkey.\(domain.name)"))
                // The testbed publishes Ed25519 keys (RFC 8463).
                #expect(key.value == DKIMKey(keyType: "ed25519", keyBits: 256, revoked: false, errors: [], warnings: []), "\(domain.name)/\(selector): \(key)")
            }
        }
    }
}
