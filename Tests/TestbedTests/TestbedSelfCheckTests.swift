import Foundation
import MXAuditTestSupport
import Testing

/// Runs the testbed's own self-check, `scripts/testbed check`, which proves with plain tools
/// (dig, openssl s_client, curl; never mxaudit) that the running testbed serves what
/// testbed/scenarios.yaml says.
///
/// The test fails - it never skips - when the testbed is not up (the check exits 3 then).
/// Start it with `scripts/testbed up`; see docs/testbed.md.
@Suite("Testbed self-check")
struct TestbedSelfCheckTests {
    @Test("the running testbed serves what its scenario catalogue says", .timeLimit(.minutes(5)))
    func selfCheckPasses() async throws {
        let root = TestbedEnvironment.repositoryRoot()
        let result = try await ExternalCommand.run(root.appendingPathComponent("scripts/testbed").path, ["check"], directory: root)
        let hint = result.status == 3 ? " - the testbed is not up: run `scripts/testbed up`" : ""
        #expect(result.status == 0, "scripts/testbed check exited with status \(result.status)\(hint)\n\(result.standardOutput)\(result.standardError)")
        #expect(result.standardOutput.contains(" passed, 0 failed"))
    }
}
