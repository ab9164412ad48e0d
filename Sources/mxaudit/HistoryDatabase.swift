import Foundation
import MXAuditStore

/// Opening the SQLite history for a subcommand, with its errors mapped to mxaudit's exit codes.
enum HistoryDatabase {
    /// `--db`, else the config file's `db`, else ./mxaudit.sqlite.
    static func open(_ options: CommonOptions, access: AuditStore.Access) throws -> AuditStore {
        let path = try SettingsResolver.resolve(options).database
        do {
            return try AuditStore(path: path, access: access)
        } catch {
            throw exit(for: error)
        }
    }

    /// A missing file or an unknown run is the user's input (exit 2); anything SQLite refused is a
    /// failed run (exit 3). Cancellation and other errors pass through.
    static func exit(for error: any Error) -> any Error {
        guard let error = error as? StoreError else { return error }
        switch error.kind {
        case .missing, .runNotFound:
            return MXAuditExit(status: .badInput, message: "mxaudit: \(error)")
        case .sqlite, .schema, .invalidState, .unreadable:
            return MXAuditExit(status: .runFailed, message: "mxaudit: \(error)")
        }
    }

    /// Runs a store call, mapping its errors like `open`.
    static func perform<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch { throw exit(for: error) }
    }
}
