import MXAuditModel

/// Reads one DMARC record (RFC 7489 §6.3–6.4) without the DNS: the policy tags and the report
/// URIs. `DMARCEvaluator` adds the external report authorisations.
public enum DMARCRecordParser {
    static let policies: Set<String> = ["none", "quarantine", "reject"]

    /// Whether a TXT record is DMARC: its first tag is `v=DMARC1` (RFC 7489 §6.6.3; the value is
    /// case-sensitive, whitespace around `=` is allowed).
    static func isDMARC(_ text: String) -> Bool {
        guard let first = TagList(String(text.prefix(64))).tags.first else { return false }
        return first.position == 1 && first.name == "v" && first.value == "DMARC1"
    }

    public static func parse(_ text: String) -> DMARCRecord {
        var findings = Findings()
        let list = TagList(RecordLimits.prefix(text, bytes: RecordLimits.txtBytes).text)
        if !isDMARC(text) { findings.error("syntax", "the record does not begin with v=DMARC1") }
        for field in list.malformed {
            findings.error("syntax", "the field \"\(field)\" is not tag=value (an empty field or a missing '=')")
        }
        for tag in list.repeated() {
            findings.warning("duplicate_tag", "tag \(tag.position) repeats '\(tag.name)' and is ignored; the first counts")
        }
        let policy = list.first("p").map(\.value).map { $0.lowercased() }
        switch policy {
        case nil:
            findings.error("p_missing", "the record has no p tag; receivers treat it as p=none if rua is valid, otherwise they ignore the record (RFC 7489 §6.6.3)")
        case let value? where !policies.contains(value):
            findings.error("p_invalid", "p=\(value) is not none, quarantine or reject; receivers treat it as p=none if rua is valid, otherwise they ignore the record")
        default:
            break
        }
        let subdomainPolicy = list.first("sp").map { $0.value.lowercased() }
        if let subdomainPolicy, !policies.contains(subdomainPolicy) {
            findings.error("sp_invalid", "sp=\(subdomainPolicy) is not none, quarantine or reject")
        }
        var percentage = 100
        if let pct = list.first("pct")?.value {
            if Grammar.isDigits(pct), pct.utf8.count <= 3, let value = Int(pct), value <= 100 {
                percentage = value
            } else {
                findings.error("pct_invalid", "pct=\(pct) is not a whole number from 0 to 100; receivers use 100")
            }
        }
        for name in ["adkim", "aspf"] {
            if let value = list.first(name)?.value, value.lowercased() != "r" && value.lowercased() != "s" {
                findings.error("\(name)_invalid", "\(name)=\(value) is not r (relaxed) or s (strict)")
            }
        }
        let rua = reportURIs(list.first("rua"), tag: "rua", findings: &findings)
        let ruf = reportURIs(list.first("ruf"), tag: "ruf", findings: &findings)
        return DMARCRecord(policy: policy.flatMap { policies.contains($0) ? $0 : nil },
                           subdomainPolicy: subdomainPolicy.flatMap { policies.contains($0) ? $0 : nil },
                           percentage: percentage, rua: rua.map(\.text), ruf: ruf.map(\.text), externalAuthorisations: [:],
                           errors: findings.errors, warnings: findings.warnings)
    }

    /// The valid URIs of a rua or ruf tag (comma-separated, each optionally `!size`).
    static func reportURIs(_ tag: TagList.Tag?, tag name: String, findings: inout Findings) -> [ReportURI] {
        guard let tag else { return [] }
        var uris: [ReportURI] = []
        for written in tag.value.split(separator: ",", omittingEmptySubsequences: false).map({ Grammar.trimWSP($0) }) {
            let uri = ReportURI(written, sizeSuffix: true)
            if written.isEmpty {
                findings.error("\(name)_invalid", "\(name) holds an empty URI")
            } else if let problem = uri.problem {
                findings.error("\(name)_invalid", problem)
            } else {
                if uri.scheme != "mailto" {
                    findings.warning("uri_scheme", "\(name) \"\(uri.text)\" uses \(uri.scheme):; receivers are only required to support mailto: (RFC 7489 §6.2)")
                }
                uris.append(uri)
            }
        }
        return uris
    }
}
