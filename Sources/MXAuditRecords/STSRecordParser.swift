import MXAuditModel

/// MTA-STS policy discovery (RFC 8461 §3.1): the one `v=STSv1` TXT record at `_mta-sts.<domain>`.
public enum STSRecordParser {
    static let version = "v=STSv1"

    /// Discards the records that do not begin with `v=STSv1` (case-sensitive), then requires
    /// exactly one: none is `.absent`, several are `.present` with the error `multiple_records`
    /// (senders treat the domain as having no policy). Lookup failures pass through.
    public static func discover(_ txt: Observation<TXTRecordSet>) -> Observation<STSRecord> {
        let discovered = VersionedTXT.discover(txt, protocolName: version, matches: { Grammar.beginsWithVersion($0, version) },
                                               single: parse, multiple: { STSRecord(id: nil, extensions: [:], errors: [$0], warnings: []) })
        guard case .absent(let reason) = discovered, let hint = caseHint(txt) else { return discovered }
        return .absent(reason + "; " + hint)
    }

    /// Reads one record under the RFC 8461 grammar: `v=STSv1`, then `;`-separated fields with
    /// optional whitespace around the `;` (erratum-tolerant), `id` 1–32 letters and digits,
    /// extensions `name=value` kept but otherwise ignored.
    public static func parse(_ text: String) -> STSRecord {
        var findings = Findings()
        let list = TagList(RecordLimits.prefix(text, bytes: RecordLimits.txtBytes).text)
        guard list.tags.first.map({ $0.name == "v" && $0.value == "STSv1" && !$0.spacedEquals }) == true else {
            findings.error("syntax", "the record does not begin with \(version)")
            return STSRecord(id: nil, extensions: [:], errors: findings.errors, warnings: [])
        }
        for field in list.malformed {
            findings.error("syntax", "the field \"\(field)\" is not name=value (an empty field or a missing '=')")
        }
        if list.overflow { findings.error("syntax", "the record has more than \(TagList.maximumFields) fields") }
        var id: String?
        var extensions: [String: String] = [:]
        for tag in list.tags.dropFirst() {
            if tag.spacedEquals {
                findings.error("syntax", "field \(tag.position) has whitespace around '=', which the grammar does not allow")
            }
            if tag.name == "id" {
                guard id == nil, !findings.hasError("id_invalid") else {
                    findings.warning("duplicate_field", "a second id field (\(tag.value)) is ignored; the first counts")
                    continue
                }
                if isValidID(tag.value) {
                    id = tag.value
                } else {
                    findings.error("id_invalid", "id \"\(tag.value)\" is not 1–32 letters and digits (RFC 8461 §3.1)")
                }
            } else if Grammar.isExtensionName(tag.name) && Grammar.isExtensionValue(tag.value) {
                if extensions[tag.name] == nil { extensions[tag.name] = tag.value }
            } else {
                findings.error("syntax", "the field \"\(tag.name)=\(tag.value)\" is not a valid extension (name: letters, digits, _-. up to 32; value: no spaces, ';' or '=')")
            }
        }
        if id == nil && !findings.hasError("id_invalid") {
            let hint = list.tags.contains { $0.name.lowercased() == "id" } ? " (field names are case-sensitive: it must be written 'id')" : ""
            findings.error("id_missing", "the record has no id field\(hint)")
        }
        return STSRecord(id: id, extensions: extensions, errors: findings.errors, warnings: findings.warnings)
    }

    static func isValidID(_ id: String) -> Bool {
        (1...32).contains(id.utf8.count) && id.utf8.allSatisfy(Grammar.isAlphaNumeric)
    }

    /// A record that would match but for letter case is worth naming in the absence reason.
    private static func caseHint(_ txt: Observation<TXTRecordSet>) -> String? {
        guard let near = txt.value?.records.map(\.joined).first(where: {
            !Grammar.beginsWithVersion($0, version) && Grammar.beginsWithVersion($0.lowercased(), version.lowercased())
        }) else { return nil }
        return "\"\(near.prefix(40))\" is discarded because the version tag is case-sensitive (v=STSv1)"
    }
}
