import Foundation

/// Files from the project's read-only `shared/` folder, which CI lays beside the checkout.
public enum SharedFiles {
    /// The Ant JUnit schema CI consumers expect: `$MXAUDIT_JUNIT_SCHEMA`, else
    /// `shared/schemas/junit-ant.xsd` beside the checkout or beside the checkout's parent.
    public static var junitSchema: URL {
        if let path = ProcessInfo.processInfo.environment["MXAUDIT_JUNIT_SCHEMA"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        let root = TestbedEnvironment.repositoryRoot()
        let candidates = [root.deletingLastPathComponent(), root.deletingLastPathComponent().deletingLastPathComponent()]
            .map { $0.appendingPathComponent("shared/schemas/junit-ant.xsd") }
        return candidates.first { FileManager.default.fileExists(atPath: $0.path) } ?? candidates[0]
    }
}
