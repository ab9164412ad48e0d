import Foundation

/// The sqlite3 command-line shell, to look at a history file from outside mxaudit (as an
/// operator would, and without opening it through the store under test).
public enum SQLiteShell {
    public struct Failed: Error, CustomStringConvertible {
        public var description: String
    }

    /// What `sqlite3 PATH SQL` prints; throws with sqlite3's message when it fails.
    public static func query(_ path: String, _ sql: String) async throws -> String {
        // A writer may hold the file's lock for a moment (creating and migrating it): wait for
        // it as mxaudit's own readers do, instead of failing with "database is locked".
        let result = try await ExternalCommand.run("/usr/bin/sqlite3", ["-cmd", ".timeout 5000", path, sql])
        guard result.status == 0 else { throw Failed(description: "sqlite3 \(path) '\(sql)': \(result.standardError)") }
        return result.standardOutput
    }
}
