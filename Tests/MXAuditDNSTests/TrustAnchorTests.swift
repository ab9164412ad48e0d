import Foundation
import MXAuditDNS
import MXAuditModel
import Testing

@Suite("Trust anchors")
struct TrustAnchorTests {
    @Test func defaultRootAnchorsAreKSK2017AndKSK2024() {
        let anchors = TrustAnchors.defaultRoot()
        #expect(anchors.zone == "")
        let tags = anchors.records.compactMap { $0.split(separator: " ").drop { $0 != "DS" }.dropFirst().first }
        #expect(Set(tags) == ["20326", "38696"])
    }

    @Test func builtInAnchorsEqualDebiansRootDataWhenPresent() throws {
        guard FileManager.default.fileExists(atPath: TrustAnchors.dnsRootDataPath) else { return }
        let file = try TrustAnchors.load(path: TrustAnchors.dnsRootDataPath)
        func digests(_ records: [String]) -> Set<String> {
            Set(records.map { $0.split(separator: " ").suffix(4).joined(separator: " ").uppercased() })
        }
        #expect(digests(file.records) == digests(TrustAnchors.ianaRootDS))
    }

    @Test func anchorFileProblemsNameTheLine() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("anchors-\(UUID().uuidString).key").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\nexample. IN DS 1 13 2 AB\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let issues = try #require(throws: InputIssues.self) { try TrustAnchors.load(path: path) }
        #expect(issues.description == "\(path):2:1: error: anchors for two zones ('' and 'example'); use one file per zone")
    }
}
