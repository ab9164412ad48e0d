import Foundation
import MXAuditModel

/// The DNSSEC trust anchors validation starts from: DS and/or DNSKEY records for one zone (the
/// root unless a private anchor names another).
public struct TrustAnchors: Sendable {
    /// The zone the anchors are for, without the final dot ("" for the root).
    public let zone: String
    /// The anchor records in presentation format.
    public let records: [String]
    /// Where they came from, for messages.
    public let source: String

    /// The IANA root KSKs: KSK-2017 (tag 20326) and KSK-2024 (tag 38696), as DS records.
    public static let ianaRootDS = [
        ". 172800 IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D",
        ". 172800 IN DS 38696 8 2 683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16",
    ]

    /// Debian's dns-root-data file, preferred when present so that a rollover arrives with the package.
    public static let dnsRootDataPath = "/usr/share/dns/root.ds"

    /// The default: the dns-root-data file where present, else the built-in IANA anchors.
    public static func defaultRoot() -> TrustAnchors {
        if let anchors = try? load(path: dnsRootDataPath), !anchors.records.isEmpty { return anchors }
        return TrustAnchors(zone: "", records: ianaRootDS, source: "built-in IANA root anchors (KSK-2017, KSK-2024)")
    }

    public init(zone: String, records: [String], source: String) {
        self.zone = zone
        self.records = records
        self.source = source
    }

    /// Reads DS and DNSKEY records (zone-file syntax; comments and other types ignored). All
    /// records must belong to one zone.
    public static func load(path: String) throws(InputIssues) -> TrustAnchors {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw InputIssues([InputIssue(SourceLocation(file: path, line: 1, column: 1),
                                          "cannot read the trust-anchor file")])
        }
        var records: [String] = []
        var zone: String?
        var issues: [InputIssue] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let typeIndex = words.firstIndex(where: { $0 == "DS" || $0 == "DNSKEY" }) else { continue }
            guard let owner = words.first, typeIndex > 0 else {
                issues.append(InputIssue(SourceLocation(file: path, line: index + 1, column: 1), "a trust anchor needs an owner name"))
                continue
            }
            let ownerName = DNSResolver.normalise(String(owner))
            if let zone, zone != ownerName {
                issues.append(InputIssue(SourceLocation(file: path, line: index + 1, column: 1),
                                         "anchors for two zones ('\(zone)' and '\(ownerName)'); use one file per zone"))
                continue
            }
            zone = ownerName
            records.append(words.joined(separator: " "))
        }
        if records.isEmpty && issues.isEmpty {
            issues.append(InputIssue(SourceLocation(file: path, line: 1, column: 1), "no DS or DNSKEY records found"))
        }
        guard issues.isEmpty else { throw InputIssues(issues) }
        return TrustAnchors(zone: zone ?? "", records: records, source: path)
    }
}
