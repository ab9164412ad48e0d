import MXAuditModel

/// SMTP TLS Reporting (RFC 8460 §3): the one `v=TLSRPTv1` record at `_smtp._tls.<domain>`.
public enum TLSRPTParser {
    static let version = "v=TLSRPTv1"

    /// Discards records that do not begin with `v=TLSRPTv1`, then requires exactly one: none is
    /// `.absent`, several are `.present` with the error `multiple_records`.
    public static func parse(_ txt: Observation<TXTRecordSet>) -> Observation<TLSRPTRecord> {
        VersionedTXT.discover(txt, protocolName: version, matches: { Grammar.beginsWithVersion($0, version) },
                              single: parse(record:), multiple: { TLSRPTRecord(rua: [], errors: [$0], warnings: []) })
    }

    /// Reads one record: `rua` is required and lists `mailto:` or `https:` URIs separated by
    /// commas (a comma inside a URI is percent-encoded); unknown extensions are ignored.
    public static func parse(record text: String) -> TLSRPTRecord {
        var findings = Findings()
        let list = TagList(RecordLimits.prefix(text, bytes: RecordLimits.txtBytes).text)
        guard list.tags.first.map({ $0.name == "v" && $0.value == "TLSRPTv1" && !$0.spacedEquals }) == true else {
            findings.error("syntax", "the record does not begin with \(version)")
            return TLSRPTRecord(rua: [], errors: findings.errors, warnings: [])
        }
        for field in list.malformed {
            findings.error("syntax", "the field \"\(field)\" is not name=value (an empty field or a missing '=')")
        }
        if list.overflow { findings.error("syntax", "the record has more than \(TagList.maximumFields) fields") }
        for tag in list.repeated() {
            findings.warning("duplicate_field", "field \(tag.position) repeats '\(tag.name)' and is ignored; the first counts")
        }
        for tag in list.tags.dropFirst() where tag.name != "rua" {
            if tag.spacedEquals || !Grammar.isExtensionName(tag.name) || !Grammar.isExtensionValue(tag.value) {
                findings.error("syntax", "the field \"\(tag.name)=\(tag.value)\" is not a valid extension (no spaces; value without ';' or '=')")
            }
        }
        guard let rua = list.first("rua") else {
            findings.error("rua_missing", "the record has no rua field; RFC 8460 §3 requires one")
            return TLSRPTRecord(rua: [], errors: findings.errors, warnings: findings.warnings)
        }
        if rua.spacedEquals { findings.error("syntax", "the rua field has whitespace around '='") }
        let uris = rua.value.split(separator: ",", omittingEmptySubsequences: false).map { Grammar.trimWSP($0) }
        for uri in uris.map({ ReportURI($0) }) {
            if uri.text.isEmpty {
                findings.error("rua_invalid", "rua holds an empty URI")
            } else if let problem = uri.problem {
                findings.error("rua_invalid", problem)
            } else if uri.scheme != "mailto" && uri.scheme != "https" {
                findings.error("rua_scheme", "\"\(uri.text)\" uses \(uri.scheme):, but TLS-RPT reports go only to mailto: or https: (RFC 8460 §3)")
            }
        }
        return TLSRPTRecord(rua: uris, errors: findings.errors, warnings: findings.warnings)
    }
}
