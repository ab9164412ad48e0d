import Foundation
import MXAuditModel
import Testing
@testable import MXAuditRules

typealias Mutation = @Sendable (inout DomainEvidence) -> Void

/// Changes of the good baseline that several rules share.
enum Change {
    static let finding = LintFinding(id: "example", message: "an example problem")
    static let noTLS: Mutation = { evidence in
        SampleEvidence.endpoints(&evidence) {
            $0.starttlsOffered = false
            $0.starttlsReply = .skipped("STARTTLS not offered")
            $0.tls = .absent("the server did not offer STARTTLS")
            $0.capabilities = .skipped("no STARTTLS, so no TLS")
        }
    }
    static let busy: Mutation = { evidence in
        let failure = Failure(.busy, "the server is busy: greeting 421 4.3.2 try again later")
        SampleEvidence.endpoints(&evidence) {
            $0.banner = .failed(failure)
            $0.ehlo = .failed(failure)
            $0.starttlsOffered = nil
            $0.starttlsReply = .failed(failure)
            $0.tls = .failed(failure)
            $0.capabilities = .failed(failure)
        }
    }
    static let tlsTimeout: Mutation = { evidence in
        SampleEvidence.endpoints(&evidence) { $0.tls = .failed(SampleEvidence.failure()) }
    }
    static let capabilitiesTimeout: Mutation = { evidence in
        SampleEvidence.endpoints(&evidence) { $0.capabilities = .failed(SampleEvidence.failure()) }
    }
    static let policyTimeout: Mutation = { $0.mtaSTS.policy = .failed(SampleEvidence.failure()) }
    static let insecureZone: Mutation = { $0.zoneDNSSEC = DNSSECVerdict(.insecure, reason: "unsigned delegation") }
    static let unknownZone: Mutation = { $0.zoneDNSSEC = DNSSECVerdict(.indeterminate, reason: "the resolver timed out") }
    static let insecureHost: Mutation = { evidence in
        SampleEvidence.hosts(&evidence) { host in
            host.ipv4 = .present(AddressSet(addresses: ["192.0.2.25"], dnssec: DNSSECVerdict(.insecure)))
            host.ipv6 = .absent("no AAAA records")
        }
    }
    static let hostTimeout: Mutation = { evidence in SampleEvidence.hosts(&evidence) { $0.ipv4 = .failed(SampleEvidence.failure()) } }
    static let tlsaSkipped: Mutation = { evidence in
        SampleEvidence.hosts(&evidence) { $0.tlsa = .skipped("the addresses are not DNSSEC-secure, so DANE does not apply") }
    }
    static let tlsaTimeout: Mutation = { evidence in SampleEvidence.hosts(&evidence) { $0.tlsa = .failed(SampleEvidence.failure()) } }
    static let daneInvalid: Mutation = { evidence in
        SampleEvidence.sessions(&evidence) { $0.dane = DANEVerdict(status: .invalid, message: "no matching DANE TLSA records") }
    }
    static let daneUnknown: Mutation = { evidence in
        SampleEvidence.sessions(&evidence) { $0.dane = DANEVerdict(status: .indeterminate, message: "the TLSA lookup failed") }
    }
    static let webPKIInvalid: Mutation = { evidence in
        SampleEvidence.sessions(&evidence) { $0.webPKI = CertificateVerdict(valid: false, problem: "self_signed", message: "self-signed certificate") }
    }
    static let tlsRPTMissing: Mutation = { $0.tlsRPT.record = .absent("NXDOMAIN at _smtp._tls.good.example") }
    static let tlsRPTTimeout: Mutation = { $0.tlsRPT.record = .failed(SampleEvidence.failure()) }
    static func versions(_ changes: [String: Bool]) -> Mutation {
        { evidence in SampleEvidence.capabilities(&evidence) { $0.versions.merge(changes) { $1 } } }
    }
    static let noSecureTLSA: Mutation = { evidence in
        SampleEvidence.hosts(&evidence) { host in
            host.tlsa = .present(TLSAEvidence(owner: "_25._tcp.\(SampleEvidence.host)",
                                              records: [TLSARecord(usage: 3, selector: 1, matchingType: 1, data: "ab")],
                                              dnssec: DNSSECVerdict(.insecure), lint: []))
        }
    }
}

/// One shipped rule: a change of the good baseline that fails it and one it cannot judge.
struct RuleCase: Sendable, CustomStringConvertible {
    var rule: String
    var fail: Mutation
    var indeterminate: Mutation
    var description: String { rule }
}

/// Every shipped rule passes on good evidence, fails on evidence that breaks it and is
/// `indeterminate` (never a pass) when the evidence it needs could not be collected.
@Suite("shipped rules")
struct ShippedRuleTests {
    static let cases: [RuleCase] = [
        // mta-sts-baseline
        RuleCase(rule: "STS-MX-RECORDS", fail: { evidence in
            guard case .present(var mx) = evidence.mx else { return }
            mx.kind = .nullMixed
            evidence.mx = .present(mx)
        }, indeterminate: { $0.mx = .failed(SampleEvidence.failure(.dnsError)) }),
        RuleCase(rule: "STS-RECORD", fail: { $0.mtaSTS.record = .absent("NXDOMAIN at _mta-sts.good.example") },
                 indeterminate: { $0.mtaSTS.record = .failed(SampleEvidence.failure()) }),
        RuleCase(rule: "STS-POLICY-FETCHED", fail: { $0.mtaSTS.policy = .absent("https://mta-sts.good.example/.well-known/mta-sts.txt answered HTTP 404") },
                 indeterminate: Change.policyTimeout),
        RuleCase(rule: "STS-POLICY-CONTENT-TYPE", fail: { evidence in
            guard var fetch = evidence.mtaSTS.fetch.value else { return }
            fetch.contentType = "text/html"
            evidence.mtaSTS.fetch = .present(fetch)
        }, indeterminate: { $0.mtaSTS.fetch = .failed(Failure(.busy, "HTTP 503")) }),
        RuleCase(rule: "STS-POLICY-SYNTAX", fail: { SampleEvidence.policy(&$0) { $0.errors = [Change.finding] } }, indeterminate: Change.policyTimeout),
        RuleCase(rule: "STS-POLICY-ENFORCE", fail: { SampleEvidence.policy(&$0) { $0.mode = .testing } }, indeterminate: Change.policyTimeout),
        RuleCase(rule: "STS-MX-COVERED", fail: { $0.mtaSTS.coverage = [MXCoverage(host: SampleEvidence.host, matchedPattern: nil)] },
                 indeterminate: Change.policyTimeout),
        RuleCase(rule: "STS-MX-STARTTLS", fail: Change.noTLS, indeterminate: Change.busy),
        RuleCase(rule: "STS-MX-WEBPKI", fail: Change.webPKIInvalid, indeterminate: Change.tlsTimeout),
        RuleCase(rule: "STS-TLSRPT", fail: Change.tlsRPTMissing, indeterminate: Change.tlsRPTTimeout),
        RuleCase(rule: "STS-POLICY-MAX-AGE", fail: { SampleEvidence.policy(&$0) { $0.maxAge = 86400 } }, indeterminate: Change.policyTimeout),
        RuleCase(rule: "STS-MX-CERT-EXPIRY", fail: { SampleEvidence.sessions(&$0) { $0.webPKI.daysToExpiry = 5 } },
                 indeterminate: Change.tlsTimeout),
        // bsi-tr-03108
        RuleCase(rule: "BSI-DNSSEC-DOMAIN", fail: Change.insecureZone, indeterminate: Change.unknownZone),
        RuleCase(rule: "BSI-DNSSEC-MX", fail: Change.insecureHost, indeterminate: Change.hostTimeout),
        RuleCase(rule: "BSI-DANE-TLSA", fail: Change.tlsaSkipped, indeterminate: Change.tlsaTimeout),
        RuleCase(rule: "BSI-DANE-VALID", fail: Change.daneInvalid, indeterminate: Change.daneUnknown),
        RuleCase(rule: "BSI-STARTTLS", fail: Change.noTLS, indeterminate: Change.busy),
        RuleCase(rule: "BSI-TLS12", fail: Change.versions(["TLSv1.2": false]), indeterminate: Change.capabilitiesTimeout),
        RuleCase(rule: "BSI-TLS-LEGACY-VERSIONS", fail: Change.versions(["TLSv1": true]), indeterminate: Change.capabilitiesTimeout),
        RuleCase(rule: "BSI-TLS13", fail: Change.versions(["TLSv1.3": false]), indeterminate: Change.capabilitiesTimeout),
        RuleCase(rule: "BSI-TLS-SUITES", fail: { SampleEvidence.capabilities(&$0) { $0.forwardSecretAEAD = false } },
                 indeterminate: Change.capabilitiesTimeout),
        RuleCase(rule: "BSI-TLS-NO-LEGACY-SUITES", fail: { SampleEvidence.capabilities(&$0) { $0.legacySuites = ["ADH-AES256-GCM-SHA384"] } },
                 indeterminate: Change.capabilitiesTimeout),
        RuleCase(rule: "BSI-CERT-TRUSTED", fail: { evidence in
            Change.webPKIInvalid(&evidence)
            SampleEvidence.sessions(&evidence) { $0.dane = DANEVerdict(status: .notApplicable) }
        }, indeterminate: Change.tlsTimeout),
        RuleCase(rule: "BSI-CERT-WEBPKI", fail: Change.webPKIInvalid, indeterminate: Change.tlsTimeout),
        RuleCase(rule: "BSI-CERT-KEY", fail: { evidence in
            SampleEvidence.sessions(&evidence) { session in
                session.chain[0].keyType = "RSA"
                session.chain[0].keyBits = 2048
            }
        }, indeterminate: Change.tlsTimeout),
        RuleCase(rule: "BSI-MTA-STS", fail: { $0.mtaSTS.policy = .skipped("no usable MTA-STS TXT record") }, indeterminate: Change.policyTimeout),
        RuleCase(rule: "BSI-TLSRPT", fail: Change.tlsRPTMissing, indeterminate: Change.tlsRPTTimeout),
        // nl-comply-or-explain
        RuleCase(rule: "NL-DNSSEC-DOMAIN", fail: Change.insecureZone, indeterminate: Change.unknownZone),
        RuleCase(rule: "NL-DNSSEC-MX", fail: Change.insecureHost, indeterminate: Change.hostTimeout),
        RuleCase(rule: "NL-STARTTLS", fail: Change.noTLS, indeterminate: Change.busy),
        RuleCase(rule: "NL-DANE-TLSA", fail: Change.noSecureTLSA, indeterminate: Change.tlsaTimeout),
        RuleCase(rule: "NL-DANE-VALID", fail: Change.daneInvalid, indeterminate: Change.daneUnknown),
        RuleCase(rule: "NL-DANE-ROLLOVER", fail: { evidence in
            SampleEvidence.hosts(&evidence) { host in
                guard var tlsa = host.tlsa.value else { return }
                tlsa.lint = [LintFinding(id: "no_rollover", message: "only one usable TLSA record")]
                host.tlsa = .present(tlsa)
            }
        }, indeterminate: Change.tlsaTimeout),
        RuleCase(rule: "NL-TLS-NCSC", fail: { SampleEvidence.capabilities(&$0) { capabilities in
            capabilities.rating = "insufficient"
            capabilities.ratingReasons = ["insufficient: accepts the suite ADH-AES256-GCM-SHA384"]
        } }, indeterminate: { SampleEvidence.capabilities(&$0) { $0.incomplete = ["TLSv1.1 handshake timed out"] } }),
        RuleCase(rule: "NL-TLS-PHASE-OUT", fail: { SampleEvidence.capabilities(&$0) { $0.rating = "phase_out" } },
                 indeterminate: Change.capabilitiesTimeout),
        RuleCase(rule: "NL-IPV6-MX", fail: { evidence in
            SampleEvidence.hosts(&evidence) { host in
                host.ipv6 = .absent("no AAAA records")
                host.endpoints.removeAll { $0.family == .ipv6 }
            }
        }, indeterminate: { evidence in SampleEvidence.hosts(&evidence) { $0.ipv6 = .failed(SampleEvidence.failure()) } }),
        RuleCase(rule: "NL-SPF", fail: { $0.spf = SampleEvidence.spf("v=spf1 mx ?all", qualifier: "?") },
                 indeterminate: { $0.spf.record = .failed(SampleEvidence.failure(.dnsError)) }),
        RuleCase(rule: "NL-SPF-VALID", fail: { evidence in
            guard var record = evidence.spf.record.value else { return }
            record.dnsLookups = 12
            record.errors = [LintFinding(id: "too_many_lookups", message: "12 DNS lookups; at most 10 are allowed")]
            evidence.spf.record = .present(record)
        }, indeterminate: { evidence in
            guard var record = evidence.spf.record.value else { return }
            record.lookupsComplete = false
            evidence.spf.record = .present(record)
        }),
        RuleCase(rule: "NL-DMARC-POLICY", fail: { $0.dmarc = SampleEvidence.dmarc("none") },
                 indeterminate: { $0.dmarc.record = .failed(SampleEvidence.failure()) }),
        RuleCase(rule: "NL-DMARC-VALID", fail: { evidence in
            guard var record = evidence.dmarc.record.value else { return }
            record.errors = [LintFinding(id: "rua_invalid", message: "rua is not a URI")]
            evidence.dmarc.record = .present(record)
        }, indeterminate: { $0.dmarc.record = .failed(SampleEvidence.failure()) }),
        RuleCase(rule: "NL-DKIM", fail: { $0.dkim.domainKeyNode = .absent("NXDOMAIN at _domainkey.good.example") },
                 indeterminate: { $0.dkim.domainKeyNode = .failed(SampleEvidence.failure()) }),
        RuleCase(rule: "NL-MTA-STS", fail: { SampleEvidence.policy(&$0) { $0.mode = .testing } }, indeterminate: Change.policyTimeout),
        RuleCase(rule: "NL-TLSRPT", fail: Change.tlsRPTMissing, indeterminate: Change.tlsRPTTimeout),
    ]

    static func judge(_ evidence: DomainEvidence) throws -> DomainJudgement {
        try Shipped.engine().judge(evidence, client: Shipped.client(), waivers: [], today: CalendarDay("2026-09-21")!)
    }

    @Test func everyShippedRuleHasACase() throws {
        let shipped = try Shipped.rulesets().flatMap { $0.rules.map(\.id) }
        #expect(Set(shipped) == Set(Self.cases.map(\.rule)))
        #expect(Set(try Shipped.rulesets().map(\.id)) == Set(Shipped.ids))
    }

    @Test func theGoodBaselinePassesEveryShippedRule() throws {
        let judgement = try Self.judge(SampleEvidence.good())
        let notPassing = judgement.results.filter { $0.outcome != .pass }
        #expect(notPassing.isEmpty, "\(notPassing.map { "\($0.ruleID) \($0.subject): \($0.outcome) \($0.message)" })")
        for id in Shipped.ids { #expect(judgement.meets(id)) }
    }

    @Test("pass, fail and indeterminate", arguments: cases)
    func rule(_ ruleCase: RuleCase) throws {
        let pass = try Self.judge(SampleEvidence.good())
        #expect(pass.outcome(ruleCase.rule) == .pass)
        let fail = try Self.judge(SampleEvidence.good(ruleCase.fail))
        #expect(fail.outcome(ruleCase.rule) == .fail, "\(fail.results(ruleCase.rule).map(\.message))")
        for result in fail.results(ruleCase.rule) where result.outcome == .fail {
            #expect(!result.message.isEmpty && !result.message.contains("{{"))
        }
        let unknown = try Self.judge(SampleEvidence.good(ruleCase.indeterminate))
        #expect(unknown.outcome(ruleCase.rule) == .indeterminate, "\(unknown.results(ruleCase.rule).map { "\($0.outcome): \($0.message)" })")
    }

    // MARK: - Cases worth their own test

    @Test func bogusTLSADataFailsInsteadOfStayingUnknown() throws {
        let judgement = try Self.judge(SampleEvidence.good { evidence in
            SampleEvidence.hosts(&evidence) { $0.tlsa = .failed(Failure(.bogus, "RRSIG over _25._tcp.mx1.good.example/TLSA does not verify")) }
        })
        #expect(judgement.outcome("BSI-DANE-TLSA") == .fail)
        #expect(judgement.outcome("NL-DANE-TLSA") == .fail)
    }

    @Test func aDaneAuthenticatedCertificateIsTrustedWithoutTheWebPKI() throws {
        let judgement = try Self.judge(SampleEvidence.good(Change.webPKIInvalid))
        #expect(judgement.outcome("BSI-CERT-TRUSTED") == .pass)
        #expect(judgement.outcome("BSI-CERT-WEBPKI") == .fail)
        #expect(judgement.outcome("STS-MX-WEBPKI") == .fail)
    }

    @Test func aRefusedStartTLSIsAFailureAndABusyServerIsUnknown() throws {
        let refused = try Self.judge(SampleEvidence.good { evidence in
            SampleEvidence.endpoints(&evidence) { endpoint in
                endpoint.starttlsReply = .present(SMTPReply(code: 454, lines: ["4.7.0 TLS not available"]))
                endpoint.tls = .failed(Failure(.tls, "STARTTLS was answered with 454"))
                endpoint.capabilities = .failed(Failure(.tls, "STARTTLS was answered with 454"))
            }
        })
        #expect(refused.outcome("STS-MX-STARTTLS") == .fail)
        #expect(refused.outcome("STS-MX-WEBPKI") == .indeterminate)
        let busy = try Self.judge(SampleEvidence.good(Change.busy))
        #expect(busy.results("STS-MX-STARTTLS").allSatisfy { $0.outcome == .indeterminate && $0.message.hasPrefix("busy: the server is busy") })
    }

    @Test func aNullMXDomainIsJudgedOnlyOnWhatItPublishes() throws {
        let judgement = try Self.judge(SampleEvidence.good { evidence in
            evidence.mx = .present(MXEvidence(kind: .nullMX, records: [MXRecord(preference: 0, exchange: ".")], dnssec: SampleEvidence.secure, hosts: []))
            evidence.spf = SampleEvidence.spf("v=spf1 -all", lookups: 0)
            evidence.mtaSTS = MTASTSEvidence(txt: .absent("NXDOMAIN"), record: .absent("NXDOMAIN"), fetch: .skipped("no record"),
                                            policy: .skipped("no record"), coverage: [])
            evidence.tlsRPT.record = .absent("NXDOMAIN")
            evidence.dkim = DKIMEvidence(domainKeyNode: .absent("NXDOMAIN at _domainkey.good.example"), selectors: [])
        })
        for id in Shipped.ids { #expect(judgement.meets(id), "\(id)") }
        let hostResults = judgement.results.filter { $0.scope != .domain }
        #expect(!hostResults.isEmpty && hostResults.allSatisfy { $0.outcome == .notApplicable && $0.subject == "good.example" })
        #expect(hostResults.allSatisfy { $0.message.contains("null MX") })
        #expect(judgement.outcome("NL-DKIM") == .notApplicable)
        #expect(judgement.outcome("NL-SPF") == .pass)
        #expect(judgement.outcome("STS-RECORD") == .notApplicable)
        #expect(judgement.advice?.scenario == "no_mail")
    }

    @Test func anAddressLookupFailureNeverHidesAnEndpoint() throws {
        let judgement = try Self.judge(SampleEvidence.good { evidence in
            SampleEvidence.hosts(&evidence) { host in
                host.ipv6 = .failed(Failure(.timeout, "no answer for AAAA"))
                host.endpoints.removeAll { $0.family == .ipv6 }
            }
        })
        let subjects = judgement.results("STS-MX-STARTTLS")
        #expect(subjects.map(\.subject) == ["mx1.good.example 192.0.2.25", "mx1.good.example (IPv6 addresses)"])
        #expect(subjects.map(\.outcome) == [.pass, .indeterminate])
        #expect(!judgement.meets("mta-sts-baseline"))
    }

    @Test func messagesQuoteTheEvidence() throws {
        let judgement = try Self.judge(SampleEvidence.good { $0.dmarc = SampleEvidence.dmarc("none") })
        let result = try #require(judgement.results("NL-DMARC-POLICY").first)
        #expect(result.message == "DMARC policy of good.example: none; the Dutch list requires p=quarantine or p=reject.")
        #expect(result.remediation?.contains("p=reject") == true)
        #expect(result.references.contains("Forum Standaardisatie DMARC"))
        let pass = try Self.judge(SampleEvidence.good())
        #expect(pass.results("STS-RECORD").first?.message == "_mta-sts.good.example publishes policy id 20260101")
        #expect(pass.results("NL-SPF").first?.message == "An SPF record ends in ~all or -all")
    }
}
