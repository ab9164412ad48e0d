import Foundation
import MXAuditModel

/// The evidence of one domain as labelled rows for the HTML report: what was published and what
/// the servers said, quoted. Values reuse `EvidenceTextRenderer`'s wording and pass through
/// `ReportText`, so hostile network text is cut and shown, never interpreted.
struct EvidenceGroupView {
    var title: String
    var rows: [EvidenceRowView]
}

struct EvidenceRowView {
    var label: String
    var value: String
    /// `ok`, `bad`, `error`, `muted` or empty: CSS classes use it.
    var state: String
    /// Multi-line text (a policy body) shown as preformatted text.
    var block: String?
}

enum EvidenceFacts {
    static func groups(_ evidence: DomainEvidence, auditedAt: Date) -> [EvidenceGroupView] {
        var groups = [EvidenceGroupView(title: "DNS", rows: [
            row("zone DNSSEC", EvidenceTextRenderer.verdict(evidence.zoneDNSSEC), state(evidence.zoneDNSSEC.status)),
            row("MX", evidence.mx, { "\($0.kind.rawValue): " + ($0.records.map { "\($0.preference) \($0.exchange)" }.joined(separator: ", "))
                + ", DNSSEC \($0.dnssec.status.rawValue)" }),
        ])]
        if let mx = evidence.mx.value {
            groups += mx.hosts.map { host(_: $0, auditedAt: auditedAt) }
        }
        groups.append(mtaSTS(evidence.mtaSTS))
        groups.append(EvidenceGroupView(title: "Reporting and authentication", rows: [
            row("TLS-RPT TXT", evidence.tlsRPT.txt, txtText),
            row("TLS-RPT", evidence.tlsRPT.record, { "rua " + $0.rua.joined(separator: ", ") + EvidenceTextRenderer.findings($0.findings) },
                valid: { $0.isValid }),
            row("SPF", evidence.spf.record, {
                "\($0.text) (all: \($0.allQualifier ?? "none"), \($0.dnsLookups) DNS lookups, \($0.voidLookups) void)"
                    + EvidenceTextRenderer.findings($0.findings)
            }, valid: { $0.isValid }),
            row("DMARC TXT", evidence.dmarc.txt, txtText),
            row("DMARC", evidence.dmarc.record, {
                "p=\($0.policy ?? "none given") pct=\($0.percentage)" + ($0.rua.isEmpty ? "" : " rua=" + $0.rua.joined(separator: ","))
                    + EvidenceTextRenderer.findings($0.findings)
            }, valid: { $0.isValid }),
            row("DKIM", evidence.dkim.domainKeyNode, { $0 ? "_domainkey.\(evidence.domain.ascii) exists" : "_domainkey has no data" }),
        ] + evidence.dkim.selectors.map { selector in
            row("DKIM \(selector.selector)", selector.key, {
                "\($0.keyType)\($0.keyBits.map { " \($0) bits" } ?? "")\($0.revoked ? " (revoked)" : "")" + EvidenceTextRenderer.findings($0.findings)
            }, valid: { $0.isValid && !$0.revoked })
        }))
        return groups
    }

    private static func host(_ host: MXHostEvidence, auditedAt: Date) -> EvidenceGroupView {
        var rows = [
            row("IPv4", host.ipv4, addresses),
            row("IPv6", host.ipv6, addresses),
            row("TLSA", host.tlsa, { tlsa in
                tlsa.records.map { "\($0.usage) \($0.selector) \($0.matchingType) \($0.data.prefix(24))…" }.joined(separator: "; ")
                    + " at \(tlsa.owner), DNSSEC \(tlsa.dnssec.status.rawValue)" + EvidenceTextRenderer.findings(tlsa.lint)
            }),
        ]
        if let target = host.cnameTarget { rows.insert(row("CNAME", target, ""), at: 0) }
        for endpoint in host.endpoints {
            let address = endpoint.address
            rows.append(row("\(address) banner", endpoint.banner, { "\($0.code) " + $0.lines.joined(separator: " / ") }))
            rows.append(row("\(address) STARTTLS",
                            endpoint.starttlsOffered.map { $0 ? "offered" : "NOT offered" } ?? "unknown (EHLO not reached)",
                            endpoint.starttlsOffered == true ? "ok" : endpoint.starttlsOffered == false ? "bad" : "error"))
            rows.append(row("\(address) TLS", endpoint.tls, { "\($0.version) \($0.cipher)" + ($0.group.map { " \($0)" } ?? "") }))
            guard let session = endpoint.tls.value else { continue }
            if let leaf = session.chain.first {
                let days = Int((leaf.notAfter.timeIntervalSince(auditedAt) / 86_400).rounded(.down))
                rows.append(row("\(address) certificate",
                                "\(leaf.subject), issuer \(leaf.issuer), \(leaf.keyType) \(leaf.keyBits), "
                                    + "expires \(CalendarDay(leaf.notAfter)) (\(days) days), SAN " + leaf.subjectAltNames.joined(separator: " "),
                                days < 0 ? "bad" : ""))
            }
            rows.append(row("\(address) WebPKI", session.webPKI.valid ? "valid" : "INVALID (\(session.webPKI.problem ?? "?"))"
                                + (session.webPKI.message.map { ": \($0)" } ?? ""), session.webPKI.valid ? "ok" : "bad"))
            rows.append(row("\(address) DANE", session.dane.status.rawValue + (session.dane.message.map { ": \($0)" } ?? ""),
                            session.dane.status == .valid ? "ok" : session.dane.status == .notApplicable ? "muted" : "bad"))
            rows.append(row("\(address) TLS rating", endpoint.capabilities, { capabilities in
                capabilities.rating + (capabilities.ratingReasons.isEmpty ? "" : ": " + capabilities.ratingReasons.joined(separator: "; "))
            }, valid: { $0.rating == "good" || $0.rating == "sufficient" }))
        }
        return EvidenceGroupView(title: "MX \(host.preference) \(ReportText.line(host.name))", rows: rows)
    }

    private static func mtaSTS(_ sts: MTASTSEvidence) -> EvidenceGroupView {
        var rows = [
            row("TXT", sts.txt, txtText),
            row("record", sts.record, { "id \($0.id ?? "none")" + EvidenceTextRenderer.findings($0.findings) }, valid: { $0.isValid }),
            row("policy fetch", sts.fetch, { fetch in
                "\(fetch.url): HTTP \(fetch.status.map(String.init) ?? "no request") \(fetch.contentType ?? "no Content-Type")"
                    + (fetch.redirectLocation.map { " → \($0)" } ?? "")
                    + (fetch.webPKI.valid ? "" : ", certificate INVALID (\(fetch.webPKI.problem ?? "?"))")
            }, valid: { $0.status == 200 && $0.webPKI.valid }),
        ]
        var policy = row("policy", sts.policy, { policy in
            "mode \(policy.mode?.rawValue ?? "invalid"), max_age \(policy.maxAge.map(String.init) ?? "invalid"), mx "
                + policy.mx.joined(separator: " ") + EvidenceTextRenderer.findings(policy.errors + policy.warnings)
        }, valid: { $0.isValid })
        if case .present = sts.policy, let body = sts.fetch.value?.body, !body.isEmpty {
            policy.block = ReportText.text(body, limit: 2000, maxLines: 40)
        }
        rows.append(policy)
        rows += sts.coverage.map { coverage in
            row("covers \(coverage.host)", coverage.matchedPattern.map { "yes (\($0))" } ?? "NO", coverage.covered ? "ok" : "bad")
        }
        return EvidenceGroupView(title: "MTA-STS", rows: rows)
    }

    private static func txtText(_ set: TXTRecordSet) -> String {
        set.records.map { "\"\($0.joined)\"" }.joined(separator: " | ") + " (DNSSEC \(set.dnssec.status.rawValue))"
    }

    private static func addresses(_ set: AddressSet) -> String {
        set.addresses.joined(separator: " ") + " (DNSSEC \(set.dnssec.status.rawValue))"
    }

    private static func state(_ status: DNSSECStatus) -> String {
        switch status {
        case .secure: return "ok"
        case .insecure: return "muted"
        case .bogus: return "bad"
        case .indeterminate: return "error"
        }
    }

    /// A row with an observation: `EvidenceTextRenderer.describe` words absent, failed and skipped.
    private static func row<T>(_ label: String, _ observation: Observation<T>, _ present: (T) -> String,
                               valid: (T) -> Bool = { _ in true }) -> EvidenceRowView {
        let state: String
        switch observation {
        case .present(let value): state = valid(value) ? "" : "bad"
        case .absent: state = "muted"
        case .failed: state = "error"
        case .skipped: state = "muted"
        }
        return EvidenceRowView(label: ReportText.line(label), value: ReportText.markupSafe(EvidenceTextRenderer.describe(observation, present)),
                               state: state, block: nil)
    }

    private static func row(_ label: String, _ value: String, _ state: String) -> EvidenceRowView {
        EvidenceRowView(label: ReportText.line(label), value: ReportText.line(value), state: state, block: nil)
    }
}
