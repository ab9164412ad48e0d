import Foundation
import MXAuditFuzzTargets
import Testing

/// Every seed and every saved crash input of every fuzz target runs through its parser: the seeds
/// keep `scripts/fuzz` honest, and a crash found by fuzzing is added here as a regression test.
@Suite("Fuzz corpora")
struct FuzzCorpusTests {
    @Test("every corpus input returns", arguments: FuzzTarget.allCases)
    func corpus(target: FuzzTarget) async throws {
        let directory = try #require(Bundle.module.url(forResource: "Corpus/\(target.rawValue)", withExtension: nil),
                                     "no corpus for \(target.rawValue)")
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
        #expect(!files.isEmpty, "the corpus of \(target.rawValue) is empty")
        for file in files {
            await target.run([UInt8](try Data(contentsOf: file)))
        }
    }

    @Test func hostileShapesReturn() async {
        let deep = String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000)
        await FuzzTarget.ruleExpression.run(Array(deep.utf8))
        await FuzzTarget.mtaSTSPolicy.run(Array(String(repeating: "mx: a.example\n", count: 20_000).utf8))
        await FuzzTarget.txtRecords.run([UInt8](repeating: 0, count: 65_535))
        await FuzzTarget.inventory.run(Array(String(repeating: "- [", count: 5_000).utf8))
        await FuzzTarget.txtRecords.run([0xFF, 0xFE, 0x00, 0xC3, 0x28])
    }
}
