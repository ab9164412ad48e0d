import Foundation
import MXAuditModel
@testable import MXAuditReports

/// A realistic fleet for report tests and screenshots: five clients on three rule sets, signed and
/// unsigned zones, a hosting provider whose expired certificate fails several clients, a timeout,
/// waivers (active, expiring, expired, unused), trends and changes. `texts` lets the hostile
/// sample put attacker-controlled text everywhere the network would.
enum SampleFleet {
    struct Texts {
        var banner: (String) -> String = { "\($0) ESMTP Postfix (Debian/GNU)" }
        var subject: (String) -> String = { "CN=\($0)" }
        var stsTXT = "v=STSv1; id=20260301T000000"
        var policyBody: String?
        var spf = "v=spf1 mx include:_spf.mailer.example -all"
        var messageQuote: String?
    }

    static let bsi = RulesetReference(id: "bsi-tr-03108", version: "2.0.1", digest: String(repeating: "b", count: 64))
    static let nl = RulesetReference(id: "nl-comply-or-explain", version: "2025.1", digest: String(repeating: "c", count: 64))
    static let sts = RulesetReference(id: "mta-sts-baseline", version: "1.2.0", digest: String(repeating: "d", count: 64))

    static func input(_ texts: Texts = Texts()) -> ReportInput {
        var fleet = Builder(texts: texts)
        fleet.acme()
        fleet.bakery()
        fleet.city()
        fleet.dental()
        fleet.evergreen()
        let run = AuditRun(id: 42, startedAt: SampleEvidence.auditStart, finishedAt: SampleEvidence.auditStart.addingTimeInterval(312),
                           mxauditVersion: MXAuditVersion.current, inventoryHash: String(repeating: "e", count: 64),
                           rulesets: [bsi, nl, sts], settings: AuditSettings(), status: .complete)
        return ReportInput(run: run, clients: fleet.clients, judgements: fleet.judgements, evidence: fleet.evidence,
                           unusedWaivers: fleet.unused, trends: fleet.trends, domainTrends: fleet.domainTrends, changes: fleet.changes)
    }

    static func trend(_ scores: [Double]) -> [TrendPoint] {
        scores.enumerated().map { index, score in
            TrendPoint(runID: Int64(36 + index), date: SampleEvidence.auditStart.addingTimeInterval(-86_400 * Double(scores.count - 1 - index)),
                       score: score)
        }
    }

    struct Builder {
        var texts: Texts
        var clients: [Client] = []
        var judgements: [DomainJudgement] = []
        var evidence: [String: DomainEvidence] = [:]
        var unused: [UnusedWaiver] = []
        var trends: [String: [TrendPoint]] = [:]
        var domainTrends: [String: [TrendPoint]] = [:]
        var changes: [String: [ChangeLine]] = [:]

        let bothAdvice = DeploymentAdvice(scenario: "publish_both", title: "DNSSEC intact: publish DANE and MTA-STS",
                                          advice: "Keep a TLSA RRset per MX host with a rollover record, and MTA-STS in enforce mode.")
        let stsOnlyAdvice = DeploymentAdvice(scenario: "mta_sts_only", title: "Zone unsigned: MTA-STS only",
                                             advice: "Publish MTA-STS (testing first, then enforce) and TLS-RPT; publish no TLSA record until the zone is signed.")

        func host(_ name: String, _ edit: (inout SampleEvidence.Host) -> Void = { _ in }) -> SampleEvidence.Host {
            var host = SampleEvidence.Host(name: name, banner: texts.banner(name), subject: texts.subject(name))
            edit(&host)
            return host
        }

        mutating func domain(_ spec: SampleEvidence.Domain, client: String, advice: DeploymentAdvice, results: [RuleResult]) {
            var spec = spec
            spec.stsTXT = texts.stsTXT
            spec.policyBody = texts.policyBody
            spec.spf = texts.spf
            let evidence = SampleEvidence.make(spec)
            self.evidence[evidence.domain.ascii] = evidence
            judgements.append(DomainJudgement(domain: evidence.domain.ascii, clientID: client, results: results, advice: advice))
        }

        func quote(_ text: String) -> String { texts.messageQuote.map { text + " — server said: " + $0 } ?? text }

        // MARK: the clients

        mutating func acme() {
            let waiver = Waiver(rule: "BSI-DANE-TLSA", client: "acme-gmbh", domains: [try! DomainName("shop.acme.example")],
                                reason: "DNS host cannot publish DS records; migration ticket OPS-123", approvedBy: "ciso@acme.example",
                                expires: CalendarDay("2026-05-20"))
            let stale = Waiver(rule: "BSI-TLSRPT", client: "acme-gmbh", domains: [], reason: "reporting mailbox being set up",
                               approvedBy: "it@acme.example", expires: CalendarDay("2026-12-31"))
            clients.append(Client(id: "acme-gmbh", name: "ACME GmbH", rulesets: ["bsi-tr-03108"], contacts: ["it@acme.example"],
                                  tags: ["de", "nis2"], domains: [inventory("acme.example"), inventory("shop.acme.example"), inventory("müller.example")],
                                  waivers: [waiver, stale]))
            let r = Rules(client: "acme-gmbh", ruleset: SampleFleet.bsi)
            let mx = "mx1.acme.example"
            domain(.init(name: "acme.example", hosts: [host(mx), host("mx2.acme.example") { $0.preference = 20; $0.ipv4 = ["192.0.2.26"]; $0.ipv6 = ["2001:db8::26"] }]),
                   client: "acme-gmbh", advice: bothAdvice, results: [
                    r.dnssec("acme.example", .pass, "the zone acme.example is signed and validates from the root"),
                    r.tlsa("acme.example", mx, .pass, "_25._tcp.\(mx) holds 3 1 1 and 2 1 1 records (secure)"),
                    r.tlsa("acme.example", "mx2.acme.example", .pass, "_25._tcp.mx2.acme.example holds 3 1 1 and 2 1 1 records (secure)"),
                    r.daneMatch("acme.example", "\(mx) 192.0.2.25", .pass, "3 1 1 matched the leaf certificate"),
                    r.daneMatch("acme.example", "mx2.acme.example 192.0.2.26", .pass, "3 1 1 matched the leaf certificate"),
                    r.daneMatch("acme.example", "mx2.acme.example 2001:db8::26", .pass, "3 1 1 matched the leaf certificate"),
                    r.starttls("acme.example", "\(mx) 192.0.2.25", .pass, quote("STARTTLS offered; TLSv1.3 TLS_AES_256_GCM_SHA384")),
                    r.tlsVersion("acme.example", "\(mx) 192.0.2.25", .pass, "accepts TLSv1.2 and TLSv1.3 only"),
                    r.stsEnforce("acme.example", .pass, "policy mode enforce, max_age 604800"),
                    r.tlsrpt("acme.example", .pass, "v=TLSRPTv1; rua=mailto:tlsrpt@reports.example"),
                   ])
            let applied = AppliedWaiver(reason: waiver.reason, approvedBy: waiver.approvedBy, expires: waiver.expires, expired: false, location: nil)
            domain(.init(name: "shop.acme.example", signed: false, hosts: [host("mx.shop-hosting.example") { $0.signed = false; $0.tlsa = []; $0.dane = .notApplicable }],
                         stsMode: .testing),
                   client: "acme-gmbh", advice: stsOnlyAdvice, results: [
                    r.dnssec("shop.acme.example", .fail, "the zone shop.acme.example is insecure: no DS for shop.acme.example in acme.example"),
                    r.tlsa("shop.acme.example", "mx.shop-hosting.example", .explained,
                           "no TLSA RRset: the addresses of mx.shop-hosting.example are not DNSSEC-secure, so DANE cannot apply", waiver: applied),
                    r.starttls("shop.acme.example", "mx.shop-hosting.example 192.0.2.25", .pass, quote("STARTTLS offered; TLSv1.3")),
                    r.tlsVersion("shop.acme.example", "mx.shop-hosting.example 192.0.2.25", .pass, "accepts TLSv1.2 and TLSv1.3 only"),
                    r.stsEnforce("shop.acme.example", .fail, "policy mode testing: senders report failures but still deliver",
                                 remediation: "After two weeks of clean TLS-RPT reports, change `mode: testing` to `mode: enforce` and bump the id in _mta-sts."),
                    r.tlsrpt("shop.acme.example", .pass, "v=TLSRPTv1; rua=mailto:tlsrpt@reports.example"),
                   ])
            domain(.init(name: "müller.example", hosts: [host("mx1.acme.example")]), client: "acme-gmbh", advice: bothAdvice, results: [
                r.dnssec("xn--mller-kva.example", .pass, "the zone is signed and validates from the root"),
                r.tlsa("xn--mller-kva.example", mx, .pass, "_25._tcp.\(mx) holds 3 1 1 and 2 1 1 records (secure)"),
                r.starttls("xn--mller-kva.example", "\(mx) 192.0.2.25", .pass, "STARTTLS offered; TLSv1.3"),
                r.stsEnforce("xn--mller-kva.example", .pass, "policy mode enforce, max_age 604800"),
                r.tlsrpt("xn--mller-kva.example", .fail, "no TLS-RPT record at _smtp._tls.xn--mller-kva.example (NXDOMAIN, proven by NSEC)",
                         remediation: "Publish `v=TLSRPTv1; rua=mailto:tls-reports@acme.example` at _smtp._tls.müller.example."),
            ])
            unused.append(UnusedWaiver(waiver: stale, note: "matched no result in run 42: BSI-TLSRPT passes on every domain it covers except müller.example, which it does not name"))
            trends["acme-gmbh"] = SampleFleet.trend([61, 64, 64, 70, 76, 74, 79])
            domainTrends["shop.acme.example"] = SampleFleet.trend([40, 52, 52, 60, 66, 63, 63])
            changes["acme-gmbh"] = [
                ChangeLine(kind: .fixed, sentence: "acme.example BSI-MTASTS-ENFORCE: fail → pass (mode testing → enforce)", domain: "acme.example", ruleID: "BSI-MTASTS-ENFORCE"),
                ChangeLine(kind: .regressed, sentence: "xn--mller-kva.example BSI-TLSRPT: pass → fail (the _smtp._tls record was removed)", domain: "xn--mller-kva.example", ruleID: "BSI-TLSRPT"),
                ChangeLine(kind: .waiverExpiring, sentence: "waiver for BSI-DANE-TLSA on shop.acme.example expires 2026-05-20 (16 days)", domain: "shop.acme.example", ruleID: "BSI-DANE-TLSA"),
            ]
        }

        mutating func bakery() {
            clients.append(Client(id: "bakkerij-de-vries", name: "Bakkerij de Vries B.V.", rulesets: ["nl-comply-or-explain"],
                                  contacts: ["ict@bakkerij.example"], tags: ["nl"],
                                  domains: [inventory("bakkerij.example"), inventory("broodjes.example")]))
            let r = Rules(client: "bakkerij-de-vries", ruleset: SampleFleet.nl)
            for name in ["bakkerij.example", "broodjes.example"] {
                let hosts = [host("mx1.hostedmail.example") { $0.webPKIProblem = "expired"; $0.daysLeft = -3; $0.dane = .invalid; $0.rating = "phase_out"; $0.ratingReasons = ["TLSv1.2 accepts DHE-RSA-AES256-SHA256 (phase out)"] },
                             host("mx2.hostedmail.example") { $0.preference = 20; $0.ipv4 = ["192.0.2.31"] }]
                domain(.init(name: name, hosts: hosts, stsMode: nil, tlsrpt: nil, dmarc: "v=DMARC1; p=none", dmarcPolicy: "none"),
                       client: "bakkerij-de-vries", advice: bothAdvice, results: [
                        r.nlStarttls(name, "mx1.hostedmail.example 192.0.2.25", .pass, quote("STARTTLS offered")),
                        r.nlStarttls(name, "mx2.hostedmail.example 192.0.2.31", .pass, quote("STARTTLS offered")),
                        r.nlDANE(name, "mx1.hostedmail.example", .fail,
                                 quote("no TLSA record matches the certificate of mx1.hostedmail.example (expired 3 days ago, CN=mx1.hostedmail.example)"),
                                 remediation: "Renew the certificate of mx1.hostedmail.example with the same key, or publish the new key's 3 1 1 record before the switch."),
                        r.nlDANE(name, "mx2.hostedmail.example", .pass, "3 1 1 matched"),
                        r.nlTLS(name, "mx1.hostedmail.example 192.0.2.25", .fail, "rating phase_out: TLSv1.2 accepts DHE-RSA-AES256-SHA256",
                                remediation: "Remove DHE and CBC suites; keep ECDHE with AES-GCM or ChaCha20."),
                        r.nlDMARC(name, .fail, "DMARC policy p=none: receivers take no action on failing mail",
                                  remediation: "Move to p=quarantine, then p=reject, once the aggregate reports show only legitimate senders passing."),
                        r.nlSPF(name, .pass, "v=spf1 … -all (3 DNS lookups)"),
                       ])
            }
            trends["bakkerij-de-vries"] = SampleFleet.trend([55, 55, 58, 58, 58, 41, 41])
            changes["bakkerij-de-vries"] = [
                ChangeLine(kind: .regressed, sentence: "bakkerij.example NL-DANE on mx1.hostedmail.example: pass → fail (certificate expired, new key not in TLSA)"),
                ChangeLine(kind: .regressed, sentence: "broodjes.example NL-DANE on mx1.hostedmail.example: pass → fail (certificate expired, new key not in TLSA)"),
                ChangeLine(kind: .stillFailing, sentence: "NL-DMARC-POLICY fails on both domains since run 31"),
            ]
        }

        mutating func city() {
            clients.append(Client(id: "city-of-example", name: "City of Example", rulesets: ["mta-sts-baseline"], tags: ["public-sector"],
                                  domains: [inventory("city.example")]))
            let r = Rules(client: "city-of-example", ruleset: SampleFleet.sts)
            domain(.init(name: "city.example", signed: false,
                         hosts: [host("mail.city.example") { $0.signed = false; $0.tlsa = []; $0.timeout = true; $0.dane = .notApplicable }],
                         stsMode: .testing),
                   client: "city-of-example", advice: stsOnlyAdvice, results: [
                    r.stsRecord("city.example", .pass, "v=STSv1; id=20260301T000000"),
                    r.stsPolicy("city.example", .pass, "HTTP 200 text/plain over a valid certificate"),
                    r.stsMode("city.example", .fail, "policy mode testing", remediation: "Switch to `mode: enforce` after a clean reporting period."),
                    r.stsCoverage("city.example", "mail.city.example", .pass, "matched by pattern mail.city.example"),
                    r.stsWebPKI("city.example", "mail.city.example 192.0.2.25", .indeterminate, "no greeting from 192.0.2.25 within 30 s: the certificate could not be checked"),
                    r.stsTLSRPT("city.example", .pass, "v=TLSRPTv1; rua=mailto:tlsrpt@reports.example"),
                   ])
            trends["city-of-example"] = SampleFleet.trend([80, 80, 72, 72, 72, 72, 72])
        }

        mutating func dental() {
            clients.append(Client(id: "dental-care", name: "Dental Care Partners", rulesets: ["mta-sts-baseline"],
                                  domains: [inventory("dentalcare.example")]))
            let r = Rules(client: "dental-care", ruleset: SampleFleet.sts)
            domain(.init(name: "dentalcare.example", signed: false, hosts: [host("mx1.hostedmail.example") { $0.signed = false; $0.webPKIProblem = "expired"; $0.daysLeft = -3; $0.dane = .notApplicable },
                                                                           host("mx3.hostedmail.example") { $0.signed = false; $0.preference = 30; $0.ipv4 = ["192.0.2.33"]; $0.webPKIProblem = "name_mismatch"; $0.dane = .notApplicable }]),
                   client: "dental-care", advice: stsOnlyAdvice, results: [
                    r.stsRecord("dentalcare.example", .pass, "v=STSv1; id=20260301T000000"),
                    r.stsPolicy("dentalcare.example", .pass, "HTTP 200 text/plain over a valid certificate"),
                    r.stsMode("dentalcare.example", .pass, "policy mode enforce"),
                    r.stsCoverage("dentalcare.example", "mx1.hostedmail.example", .pass, "matched by pattern *.hostedmail.example"),
                    r.stsWebPKI("dentalcare.example", "mx1.hostedmail.example 192.0.2.25", .fail, quote("certificate of mx1.hostedmail.example expired 3 days ago"),
                                remediation: "Ask the provider (hostedmail.example) to renew the certificate; senders that enforce MTA-STS defer mail until then."),
                    r.stsWebPKI("dentalcare.example", "mx3.hostedmail.example 192.0.2.33", .fail, quote("certificate names mx.hostedmail.example, not mx3.hostedmail.example"),
                                remediation: "Add mx3.hostedmail.example to the certificate's subjectAltName."),
                    r.stsTLSRPT("dentalcare.example", .pass, "v=TLSRPTv1; rua=mailto:tlsrpt@reports.example"),
                   ])
            trends["dental-care"] = SampleFleet.trend([100, 100, 100, 100, 100, 82, 76])
            changes["dental-care"] = [ChangeLine(kind: .regressed, sentence: "dentalcare.example STS-WEBPKI on mx1.hostedmail.example: pass → fail (certificate expired)")]
        }

        mutating func evergreen() {
            let expired = Waiver(rule: "STS-TLSRPT", client: "evergreen", domains: [], reason: "legacy reporting", approvedBy: nil,
                                 expires: CalendarDay("2026-04-30"))
            clients.append(Client(id: "evergreen", name: "Evergreen Logistics", rulesets: ["mta-sts-baseline"],
                                  domains: [inventory("evergreen.example")], waivers: [expired]))
            let r = Rules(client: "evergreen", ruleset: SampleFleet.sts)
            domain(.init(name: "evergreen.example", hosts: [host("aspmx.mailer.example")]), client: "evergreen", advice: bothAdvice, results: [
                r.stsRecord("evergreen.example", .pass, "v=STSv1; id=20260301T000000"),
                r.stsPolicy("evergreen.example", .pass, "HTTP 200 text/plain over a valid certificate"),
                r.stsMode("evergreen.example", .pass, "policy mode enforce"),
                r.stsCoverage("evergreen.example", "aspmx.mailer.example", .pass, "matched by pattern aspmx.mailer.example"),
                r.stsWebPKI("evergreen.example", "aspmx.mailer.example 192.0.2.25", .pass, "valid, 74 days to expiry"),
                r.stsTLSRPT("evergreen.example", .notApplicable, "no reporting required for this domain"),
            ])
            trends["evergreen"] = SampleFleet.trend([92, 96, 100, 100, 100, 100, 100])
        }

        func inventory(_ name: String) -> InventoryDomain { InventoryDomain(name: try! DomainName(name)) }
    }
}

/// Rule results as the three sample rule sets would produce them.
struct Rules {
    var client: String
    var ruleset: RulesetReference

    func result(_ domain: String, _ id: String, _ title: String, _ level: RuleLevel, _ scope: RuleScope, _ subject: String,
                _ outcome: Outcome, _ message: String, remediation: String? = nil, references: [String], waiver: AppliedWaiver? = nil) -> RuleResult {
        RuleResult(domain: domain, clientID: client, rulesetID: ruleset.id, rulesetVersion: ruleset.version, ruleID: id, ruleTitle: title,
                   level: level, scope: scope, subject: subject, outcome: outcome, message: message,
                   remediation: remediation ?? (outcome == .fail || outcome == .indeterminate ? "See the rule's references." : nil), references: references, waiver: waiver)
    }

    func dnssec(_ d: String, _ o: Outcome, _ m: String) -> RuleResult {
        result(d, "BSI-DNSSEC-ZONE", "Zone is DNSSEC-signed", .must, .domain, d, o, m,
               remediation: o == .fail ? "Sign the zone and publish its DS record at the parent." : nil, references: ["BSI TR-03108-1 §4.2 (interpretation)", "RFC 4035"])
    }
    func tlsa(_ d: String, _ host: String, _ o: Outcome, _ m: String, waiver: AppliedWaiver? = nil) -> RuleResult {
        result(d, "BSI-DANE-TLSA", "MX host publishes a usable TLSA RRset", .must, .mxHost, host, o, m, references: ["RFC 7672 §2.2"], waiver: waiver)
    }
    func daneMatch(_ d: String, _ s: String, _ o: Outcome, _ m: String) -> RuleResult {
        result(d, "BSI-DANE-MATCH", "Certificate matches the TLSA RRset", .must, .mxAddress, s, o, m, references: ["RFC 7671 §5"])
    }
    func starttls(_ d: String, _ s: String, _ o: Outcome, _ m: String) -> RuleResult {
        result(d, "BSI-STARTTLS", "STARTTLS offered and negotiated", .must, .mxAddress, s, o, m, references: ["RFC 3207"])
    }
    func tlsVersion(_ d: String, _ s: String, _ o: Outcome, _ m: String) -> RuleResult {
        result(d, "BSI-TLS-VERSION", "Only TLS 1.2 or newer", .must, .mxAddress, s, o, m, references: ["BSI TR-03116-4 §2.1"])
    }
    func stsEnforce(_ d: String, _ o: Outcome, _ m: String, remediation: String? = nil) -> RuleResult {
        result(d, "BSI-MTASTS-ENFORCE", "MTA-STS policy in enforce mode", .should, .domain, d, o, m, remediation: remediation, references: ["RFC 8461 §5"])
    }
    func tlsrpt(_ d: String, _ o: Outcome, _ m: String, remediation: String? = nil) -> RuleResult {
        result(d, "BSI-TLSRPT", "TLS-RPT record published", .should, .domain, d, o, m, remediation: remediation, references: ["RFC 8460 §3"])
    }
    func nlStarttls(_ d: String, _ s: String, _ o: Outcome, _ m: String) -> RuleResult {
        result(d, "NL-STARTTLS", "STARTTLS on every MX address", .must, .mxAddress, s, o, m, references: ["Forum Standaardisatie: STARTTLS en DANE"])
    }
    func nlDANE(_ d: String, _ host: String, _ o: Outcome, _ m: String, remediation: String? = nil) -> RuleResult {
        result(d, "NL-DANE", "DANE for every MX host", .must, .mxHost, host, o, m, remediation: remediation, references: ["Forum Standaardisatie: STARTTLS en DANE", "RFC 7672"])
    }
    func nlTLS(_ d: String, _ s: String, _ o: Outcome, _ m: String, remediation: String? = nil) -> RuleResult {
        result(d, "NL-TLS-NCSC", "TLS configuration per NCSC-NL", .should, .mxAddress, s, o, m, remediation: remediation, references: ["NCSC-NL ICT-beveiligingsrichtlijnen voor TLS"])
    }
    func nlDMARC(_ d: String, _ o: Outcome, _ m: String, remediation: String? = nil) -> RuleResult {
        result(d, "NL-DMARC-POLICY", "DMARC policy quarantine or reject", .must, .domain, d, o, m, remediation: remediation, references: ["RFC 7489 §6.3"])
    }
    func nlSPF(_ d: String, _ o: Outcome, _ m: String) -> RuleResult {
        result(d, "NL-SPF", "SPF ends in ~all or -all", .must, .domain, d, o, m, references: ["RFC 7208 §5.1"])
    }
    func stsRecord(_ d: String, _ o: Outcome, _ m: String) -> RuleResult {
        result(d, "STS-RECORD", "MTA-STS TXT record is valid", .must, .domain, d, o, m, references: ["RFC 8461 §3.1"])
    }
    func stsPolicy(_ d: String, _ o: Outcome, _ m: String) -> RuleResult {
        result(d, "STS-POLICY", "Policy served over valid HTTPS", .must, .domain, d, o, m, references: ["RFC 8461 §3.3"])
    }
    func stsMode(_ d: String, _ o: Outcome, _ m: String, remediation: String? = nil) -> RuleResult {
        result(d, "STS-MODE", "Policy mode is enforce", .should, .domain, d, o, m, remediation: remediation, references: ["RFC 8461 §5"])
    }
    func stsCoverage(_ d: String, _ host: String, _ o: Outcome, _ m: String) -> RuleResult {
        result(d, "STS-COVERAGE", "Policy covers every MX host", .must, .mxHost, host, o, m, references: ["RFC 8461 §4.1"])
    }
    func stsWebPKI(_ d: String, _ s: String, _ o: Outcome, _ m: String, remediation: String? = nil) -> RuleResult {
        result(d, "STS-WEBPKI", "MX certificate valid for the host (WebPKI)", .must, .mxAddress, s, o, m, remediation: remediation, references: ["RFC 8461 §4.1"])
    }
    func stsTLSRPT(_ d: String, _ o: Outcome, _ m: String) -> RuleResult {
        result(d, "STS-TLSRPT", "TLS-RPT record published", .should, .domain, d, o, m, references: ["RFC 8460 §3"])
    }
}
