import Foundation
import MXAuditTestSupport

/// The built `mxaudit` binary, which sits next to the test bundle.
enum Binary {
    static let path = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        .appendingPathComponent("mxaudit").path

    static func run(_ arguments: [String]) async throws -> CommandResult {
        try await ExternalCommand.run(path, arguments, directory: TestbedEnvironment.repositoryRoot(), environment: ["NO_COLOR": ""])
    }

    /// A scratch directory, removed by the caller.
    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mxaudit-rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }
}
