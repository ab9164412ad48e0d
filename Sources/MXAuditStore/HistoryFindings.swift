import Foundation
import MXAuditModel

/// Problems only visible by comparing a domain's evidence between runs, and certificates that
/// expire soon.
enum HistoryFindings {
    static func between(domain: String, from old: EvidenceFacts, to new: EvidenceFacts) -> [HistoryFinding] {
        policyChanges(domain: domain, old.mtaSTS, new.mtaSTS) + staleTLSA(domain: domain, old, new) + uncoveredNewMX(domain: domain, old, new)
    }

    /// RFC 8461 §3.1: the `id` is how senders learn that the policy changed; a sender holding a
    /// cached policy with the same id keeps using it until its max_age runs out.
    private static func policyChanges(domain: String, _ old: MTASTSFacts, _ new: MTASTSFacts) -> [HistoryFinding] {
        guard old.hasPolicy, new.hasPolicy else { return [] }
        var findings: [HistoryFinding] = []
        let changed = [
            old.mode != new.mode ? "mode \(old.mode?.rawValue ?? "—") → \(new.mode?.rawValue ?? "—")" : nil,
            old.maxAge != new.maxAge ? "max_age \(old.maxAge.map(String.init) ?? "—") → \(new.maxAge.map(String.init) ?? "—")" : nil,
            EvidenceDiffer.describeMXPatterns(old.mx) != EvidenceDiffer.describeMXPatterns(new.mx)
                ? "mx \(EvidenceDiffer.describeMXPatterns(old.mx)) → \(EvidenceDiffer.describeMXPatterns(new.mx))" : nil,
        ].compactMap { $0 }
        if !changed.isEmpty, let id = new.id, id == old.id {
            let cache = old.maxAge.map { " for up to max_age \($0) s" } ?? ""
            findings.append(HistoryFinding(
                kind: .policyChangedWithoutNewID, severity: .problem, domain: domain, subject: domain,
                message: "the MTA-STS policy changed (\(changed.joined(separator: "; "))) but the TXT id stayed '\(id)': "
                    + "senders that cached the old policy keep applying it\(cache); publish a new id in _mta-sts.\(domain)"))
        }
        if let before = old.mode, let after = new.mode, rank(after) < rank(before) {
            findings.append(HistoryFinding(
                kind: .modeDowngraded, severity: .problem, domain: domain, subject: domain,
                message: "the MTA-STS mode went from \(before.rawValue) to \(after.rawValue): "
                    + (after == .testing ? "senders only report failures and deliver anyway"
                                         : "senders no longer apply the policy at all")))
        }
        return findings
    }

    private static func rank(_ mode: MTASTSPolicy.Mode) -> Int {
        switch mode {
        case .none: return 0
        case .testing: return 1
        case .enforce: return 2
        }
    }

    /// A certificate (or key) rotated on an MX endpoint whose TLSA RRset matched the old one and
    /// matches nothing now: DANE senders stop delivering to it (RFC 7671 §8.1 — publish the new
    /// key's record before deploying it).
    private static func staleTLSA(domain: String, _ old: EvidenceFacts, _ new: EvidenceFacts) -> [HistoryFinding] {
        new.hosts.flatMap { host -> [HistoryFinding] in
            host.endpoints.compactMap { endpoint in
                guard let before = old.host(host.name)?.endpoint(endpoint.address), before.dane == .valid, endpoint.dane == .invalid,
                      let oldCertificate = before.certificate, let newCertificate = endpoint.certificate,
                      !oldCertificate.isSameCertificate(as: newCertificate) else { return nil }
                let keyNote = oldCertificate.spkiSHA256 == newCertificate.spkiSHA256 ? "same key" : "new key"
                return HistoryFinding(
                    kind: .tlsaNoLongerMatching, severity: .problem, domain: domain, subject: "\(host.name) \(endpoint.address)",
                    message: "the certificate of \(host.name) (\(endpoint.address)) changed (serial \(oldCertificate.serialNumber) → "
                        + "\(newCertificate.serialNumber), \(keyNote)) and no TLSA record at _25._tcp.\(host.name) matches it any more: "
                        + "DANE senders will not deliver; publish the new certificate's TLSA record (before the next rotation, alongside the old one)")
            }
        }
    }

    /// A new MX host that an MTA-STS policy in testing or enforce mode does not cover (RFC 8461 §4.1).
    private static func uncoveredNewMX(domain: String, _ old: EvidenceFacts, _ new: EvidenceFacts) -> [HistoryFinding] {
        guard new.mtaSTS.hasPolicy, let mode = new.mtaSTS.mode, mode != .none else { return [] }
        return new.hosts.compactMap { host in
            guard old.host(host.name) == nil,
                  let coverage = new.mtaSTS.coverage.first(where: { $0.host.caseInsensitiveCompare(host.name) == .orderedSame }),
                  !coverage.covered else { return nil }
            return HistoryFinding(
                kind: .newMXNotCovered, severity: .problem, domain: domain, subject: host.name,
                message: "\(host.name) is a new MX host and no mx pattern of the MTA-STS policy (mode \(mode.rawValue)) covers it: "
                    + (mode == .enforce ? "senders that apply the policy will not deliver to it" : "senders will report failures for it")
                    + "; add it to the policy's mx lines and publish a new id")
        }
    }

    /// Certificates (SMTP endpoints and the MTA-STS web server) that expire within `days` of `today`, or have expired.
    static func expiringCertificates(domain: String, _ facts: EvidenceFacts, today: Date, days: Int) -> [HistoryFinding] {
        var seen = Set<String>()
        var findings: [HistoryFinding] = []
        let certificates = facts.hosts.flatMap { host in host.endpoints.compactMap { endpoint in endpoint.certificate.map { (host.name, $0) } } }
            + (facts.mtaSTS.certificate.map { [("mta-sts.\(domain)", $0)] } ?? [])
        for (subject, certificate) in certificates where seen.insert("\(subject) \(certificate.issuer) \(certificate.serialNumber)").inserted {
            let left = Int((certificate.notAfter.timeIntervalSince(today) / 86_400).rounded(.down))
            guard left < days else { continue }
            let when = left < 0 ? "expired on \(CalendarDay(certificate.notAfter)) (\(-left) days ago)"
                : "expires on \(CalendarDay(certificate.notAfter)) (in \(left) days)"
            findings.append(HistoryFinding(kind: .certificateExpiring, severity: .warning, domain: domain, subject: subject,
                                           message: "the certificate of \(subject) (\(certificate.subject), issued by \(certificate.issuer)) \(when)"))
        }
        return findings
    }
}
