import Foundation
import MXAuditModel

/// The evidence of one domain as readable plain text (`mxaudit check`). Everything that came from
/// the network passes through `TerminalText.safe`.
public enum EvidenceTextRenderer {
    public static func render(_ evidence: DomainEvidence) -> String {
        var lines: [String] = []
        let title = evidence.domain.isInternationalized ? "\(evidence.domain.unicode) (\(evidence.domain.ascii))" : evidence.domain.ascii
        lines.append(title)
        lines.append(row("zone DNSSEC", verdict(evidence.zoneDNSSEC)))
        lines.append(contentsOf: mx(evidence.mx))
        lines.append(contentsOf: mtaSTS(evidence.mtaSTS))
        lines.append(row("TLS-RPT", describe(evidence.tlsRPT.record) { "rua " + $0.rua.joined(separator: ", ") + findings($0.findings) }))
        lines.append(row("SPF", describe(evidence.spf.record) {
            "\($0.text)  (all: \($0.allQualifier ?? "none"), \($0.dnsLookups) DNS lookups, \($0.voidLookups) void)" + findings($0.findings)
        }))
        lines.append(row("DMARC", describe(evidence.dmarc.record) {
            "p=\($0.policy ?? "none given")" + ($0.subdomainPolicy.map { " sp=\($0)" } ?? "") + " pct=\($0.percentage)"
                + ($0.rua.isEmpty ? "" : " rua=\($0.rua.joined(separator: ","))") + findings($0.findings)
        }))
        lines.append(row("DKIM", describe(evidence.dkim.domainKeyNode) { _ in "_domainkey.\(evidence.domain.ascii) exists" }))
        for selector in evidence.dkim.selectors {
            lines.append(row("  selector \(safe(selector.selector))", describe(selector.key) {
                "\($0.keyType)\($0.keyBits.map { " \($0) bits" } ?? "")\($0.revoked ? " (revoked)" : "")" + findings($0.findings)
            }))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func row(_ label: String, _ value: String) -> String {
        "  " + label.padding(toLength: 14, withPad: " ", startingAt: 0) + " " + value
    }

    static func safe(_ text: String) -> String { TerminalText.safe(text) }

    static func verdict(_ verdict: DNSSECVerdict) -> String {
        var text = verdict.status.rawValue
        if let zone = verdict.zone, !zone.isEmpty { text += " (\(zone))" }
        if let reason = verdict.reason { text += ": \(safe(reason))" }
        return text
    }

    static func findings(_ list: [LintFinding]) -> String {
        list.isEmpty ? "" : "  [" + list.map { $0.id + ($0.line.map { "@\($0)" } ?? "") }.joined(separator: ", ") + "]"
    }

    static func describe<T>(_ observation: Observation<T>, _ present: (T) -> String) -> String {
        switch observation {
        case .present(let value): return safe(present(value))
        case .absent(let reason): return "absent: \(safe(reason))"
        case .failed(let failure): return "ERROR (\(failure.kind.rawValue)): \(safe(failure.message))"
        case .skipped(let reason): return "not checked: \(safe(reason))"
        }
    }

    static func mx(_ observation: Observation<MXEvidence>) -> [String] {
        guard case .present(let mx) = observation else { return [row("MX", describe(observation) { _ in "" })] }
        var lines = [row("MX", "\(mx.kind.rawValue), DNSSEC \(verdict(mx.dnssec))")]
        for host in mx.hosts {
            lines.append("    \(host.preference) \(safe(host.name))" + (host.cnameTarget.map { " → CNAME \(safe($0))" } ?? ""))
            lines.append("       IPv4 " + describe(host.ipv4) { "\($0.addresses.joined(separator: " ")) (\($0.dnssec.status.rawValue))" })
            lines.append("       IPv6 " + describe(host.ipv6) { "\($0.addresses.joined(separator: " ")) (\($0.dnssec.status.rawValue))" })
            lines.append("       TLSA " + describe(host.tlsa) { tlsa in
                tlsa.records.map { "\($0.usage) \($0.selector) \($0.matchingType) \($0.data.prefix(16))…" }.joined(separator: "; ")
                    + " at \(tlsa.owner) (\(tlsa.dnssec.status.rawValue))" + findings(tlsa.lint)
            })
            for endpoint in host.endpoints { lines.append(contentsOf: smtp(endpoint)) }
        }
        return lines
    }

    static func smtp(_ endpoint: SMTPEndpointEvidence) -> [String] {
        var lines = ["       \(endpoint.address) SNI \(safe(endpoint.serverName)) (\(endpoint.durationMilliseconds) ms)"]
        lines.append("         banner   " + describe(endpoint.banner) { "\($0.code) \($0.lines.first ?? "")" })
        let offered = endpoint.starttlsOffered.map { $0 ? "offered" : "NOT offered" } ?? "unknown (EHLO not reached)"
        lines.append("         STARTTLS \(offered)" + (endpoint.starttlsOffered == true ? ", reply " + describe(endpoint.starttlsReply) { "\($0.code)" } : ""))
        lines.append("         TLS      " + describe(endpoint.tls) { session in
            var text = "\(session.version) \(session.cipher)" + (session.group.map { " \($0)" } ?? "")
            if let leaf = session.chain.first { text += "; leaf \(leaf.subject), \(leaf.keyType) \(leaf.keyBits)" }
            text += "; WebPKI " + (session.webPKI.valid ? "valid" : "INVALID (\(session.webPKI.problem ?? "?")\(session.webPKI.message.map { ": \($0)" } ?? ""))")
            if let days = session.webPKI.daysToExpiry { text += ", \(days) days to expiry" }
            text += "; DANE \(session.dane.status.rawValue)" + (session.dane.message.map { " (\($0))" } ?? "")
            return text
        })
        lines.append("         versions " + describe(endpoint.capabilities) { capabilities in
            capabilities.versions.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value ? "yes" : "no")" }.joined(separator: ", ")
                + "; rating \(capabilities.rating)"
        })
        return lines
    }

    static func mtaSTS(_ sts: MTASTSEvidence) -> [String] {
        var lines = [row("MTA-STS", describe(sts.record) { "id \($0.id ?? "none")" + findings($0.findings) })]
        if case .present = sts.record {
            lines.append(row("  policy fetch", describe(sts.fetch) { fetch in
                "HTTP \(fetch.status.map(String.init) ?? "no response") \(fetch.contentType ?? "no Content-Type")" + (fetch.redirectLocation.map { " → \($0)" } ?? "")
                    + (fetch.webPKI.valid ? "" : " certificate INVALID (\(fetch.webPKI.problem ?? "?"))")
            }))
            lines.append(row("  policy", describe(sts.policy) { policy in
                "mode \(policy.mode?.rawValue ?? "?"), max_age \(policy.maxAge.map(String.init) ?? "?"), mx \(policy.mx.joined(separator: " "))"
                    + findings(policy.errors + policy.warnings)
            }))
            for coverage in sts.coverage {
                lines.append(row("  covers", "\(safe(coverage.host)): " + (coverage.matchedPattern.map { "yes (\(safe($0)))" } ?? "NO")))
            }
        }
        return lines
    }
}
