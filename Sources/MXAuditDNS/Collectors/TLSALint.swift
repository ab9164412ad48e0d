import MXAuditModel

/// Operational checks of a TLSA RRset (RFC 7671 §5, RFC 7672 §3.1, RFC 6698 §2.1).
public enum TLSALint {
    public static func findings(_ records: [TLSARecord]) -> [LintFinding] {
        var findings: [LintFinding] = []
        let usable = records.filter(\.isUsableForSMTP)
        for record in records {
            let label = "\(record.usage) \(record.selector) \(record.matchingType)"
            if !record.isUsableForSMTP {
                findings.append(LintFinding(id: "unusable_usage", message: "usage \(record.usage) (PKIX-\(record.usage == 0 ? "TA" : "EE")) in '\(label)' is not used by SMTP clients (RFC 7672 §3.1.3); use 3 1 1 or 2 1 1"))
            }
            if record.usage == 3 && record.selector == 0 {
                findings.append(LintFinding(id: "full_certificate_pin", message: "'\(label)' pins the whole certificate and breaks at every renewal even when the key stays; prefer 3 1 1 (RFC 7671 §5.1)"))
            }
            let expectedHexLength: Int? = record.matchingType == 1 ? 64 : record.matchingType == 2 ? 128 : nil
            if let expectedHexLength, record.data.count != expectedHexLength {
                findings.append(LintFinding(id: "digest_length", message: "'\(label)' carries \(record.data.count / 2) bytes of data; a SHA-\(record.matchingType == 1 ? "256" : "512") digest has \(expectedHexLength / 2)"))
            }
            if record.selector > 1 || record.matchingType > 2 || record.usage > 3 {
                findings.append(LintFinding(id: "unknown_parameter", message: "'\(label)' uses a parameter outside RFC 6698; clients ignore it"))
            }
        }
        if usable.isEmpty && !records.isEmpty {
            findings.append(LintFinding(id: "only_unusable", message: "no usable (usage 2 or 3) record: senders must use TLS but cannot authenticate the server (RFC 7672 §2.2)"))
        } else if usable.count == 1 {
            findings.append(LintFinding(id: "no_rollover", message: "only one usable TLSA record: publish the next key's record too before a certificate or key change, or delivery breaks (RFC 7671 §8)"))
        }
        return findings
    }

    /// Reads TLSA fields from ldns presentation: usage, selector, matching type, hex data.
    static func record(_ record: DNSRecord) -> TLSARecord? {
        guard record.fields.count >= 4, let usage = Int(record.fields[0]), let selector = Int(record.fields[1]),
              let matchingType = Int(record.fields[2]) else { return nil }
        return TLSARecord(usage: usage, selector: selector, matchingType: matchingType,
                          data: record.fields[3...].joined().lowercased())
    }
}
