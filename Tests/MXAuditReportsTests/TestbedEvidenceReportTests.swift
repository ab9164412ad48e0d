import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import MXAuditModel
@testable import MXAuditReports
import MXAuditTestSupport
import Testing

/// Reports from real evidence: the built `mxaudit check --json` collects it from the loopback
/// testbed (real DNSSEC, Postfix banners and certificates, nginx-served MTA-STS policies), and
/// every report renders it. Fails, never skips, when the testbed is not up.
@Suite struct TestbedEvidenceReportTests {
    static let domains = ["dane-and-sts.example", "sts-policy-crlf.example", "sts-cert-expired.example", "smtp-no-starttls.example",
                          "dane-mismatch.example", "bare.insecure", "hosted-dane-1.example", "smtp-cert-wrong-name.example"]

    /// The evidence of the scenario domains, and an input with one client that owns them. Its
    /// results are test scaffolding (the rule sets are another issue's): per MX address, whether
    /// STARTTLS was offered, quoting the real banner and certificate; per domain, the MTA-STS fetch.
    static func collect() async throws -> (ReportInput, [DomainEvidence]) {
        let testbed = try TestbedEnvironment.load()
        let catalogue = try testbed.catalogueJSON()
        let known = Set((catalogue["domains"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String })
        for domain in domains { try #require(known.contains(domain), "\(domain) is not in the testbed catalogue") }

        let binary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("mxaudit")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build mxaudit first: \(binary.path) is missing")
        let run = try await ExternalCommand.run(binary.path, ["check", "--json"] + domains + testbed.mxauditOptions)
        try #require(run.status == 0, "mxaudit check failed: \(run.standardError)")
        let evidence = try DomainEvidence.makeDecoder().decode([DomainEvidence].self, from: Data(run.standardOutput.utf8))
        try #require(evidence.map(\.domain.ascii) == domains)

        let rules = Rules(client: "testbed", ruleset: SampleFleet.sts)
        let judgements = evidence.map { domain in
            var results: [RuleResult] = []
            let fetch = EvidenceTextRenderer.describe(domain.mtaSTS.fetch) { "HTTP \($0.status.map(String.init) ?? "none"), WebPKI \($0.webPKI.problem ?? "valid")" }
            let fetched = domain.mtaSTS.fetch.value.map { $0.status == 200 && $0.webPKI.valid }
            results.append(rules.stsPolicy(domain.domain.ascii, fetched.map { $0 ? .pass : .fail } ?? .notApplicable, "policy fetch: " + fetch))
            for host in domain.mx.value?.hosts ?? [] {
                for endpoint in host.endpoints {
                    let banner = endpoint.banner.value?.lines.first ?? "no banner"
                    let subject = endpoint.tls.value?.chain.first?.subject ?? "no certificate"
                    let outcome: Outcome = endpoint.starttlsOffered.map { $0 ? .pass : .fail } ?? .indeterminate
                    results.append(rules.result(domain.domain.ascii, "TB-STARTTLS", "STARTTLS offered", .must, .mxAddress,
                                                "\(host.name) \(endpoint.address)", outcome,
                                                "banner \"\(banner)\", certificate \(subject)", references: ["RFC 3207"]))
                }
            }
            return DomainJudgement(domain: domain.domain.ascii, clientID: "testbed", results: results, advice: nil)
        }
        let client = Client(id: "testbed", name: "Loopback testbed", rulesets: [SampleFleet.sts.id],
                            domains: evidence.map { InventoryDomain(name: $0.domain) })
        var input = SampleFleet.input()
        input.clients = [client]
        input.judgements = judgements
        input.evidence = Dictionary(uniqueKeysWithValues: evidence.map { ($0.domain.ascii, $0) })
        input.unusedWaivers = []
        return (input, evidence)
    }

    @Test func htmlQuotesTheRealEvidence() async throws {
        let (input, evidence) = try await Self.collect()
        let html = try HTMLReportWriter.clientPage(input, client: "testbed", templates: ReportTestSupport.templates)
        ReportTestSupport.expectOnlyTemplateMarkup(html)
        for domain in evidence {
            #expect(html.contains(#"<section class="domain" id="domain-\#(domain.domain.ascii.replacingOccurrences(of: ".", with: "-"))">"#))
            for endpoint in domain.mx.value?.hosts.flatMap(\.endpoints) ?? [] {
                if let leaf = endpoint.tls.value?.chain.first { #expect(html.contains(leaf.subject)) }
                if let banner = endpoint.banner.value?.lines.first { #expect(html.contains(banner)) }
                #expect(html.contains(#"<td class="label">\#(endpoint.address) STARTTLS</td>"#))
            }
        }
        // The policy served with CRLF line endings is shown as lines, not as escapes.
        #expect(html.contains("<pre>version: STSv1\nmode: enforce\n"))
        #expect(!html.contains(#"STSv1\u{d}"#))
        // What the scenarios are about, as the reader sees it.
        #expect(html.contains("NOT offered"))
        #expect(html.contains("certificate INVALID (expired)"))
        #expect(html.contains(#"<div class="banner v-non_compliant">"#))
    }

    @Test func junitAndJSONFromRealEvidence() async throws {
        let (input, evidence) = try await Self.collect()
        let directory = try ReportTestSupport.scratchDirectory("testbed")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("testbed.junit.xml")
        try JUnitReportWriter.write(input, to: file)
        try await ReportTestSupport.expectValidJUnit(file)
        let document = try XMLDocument(contentsOf: file)
        let noStartTLS = try document.nodes(forXPath: "//testcase[@classname='testbed.smtp-no-starttls_example' and @name='TB-STARTTLS STARTTLS offered']/failure")
        #expect(noStartTLS.count == 1)
        let expired = try document.nodes(forXPath: "//testcase[@classname='testbed.sts-cert-expired_example' and @name='STS-POLICY Policy served over valid HTTPS']/failure")
        #expect(expired.count == 1)

        struct Document: Decodable {
            struct Client: Decodable { var domains: [Domain] }
            struct Domain: Decodable { var evidence: DomainEvidence? }
            var clients: [Client]
        }
        let decoded = try DomainEvidence.makeDecoder().decode(Document.self, from: try JSONReportWriter.data(input))
        #expect(decoded.clients.flatMap(\.domains).map(\.evidence) == evidence)
    }
}
