import Foundation
import GRDB

/// Why the history database could not do what was asked. Carries SQLite's result code and
/// message when SQLite refused, and always names the database file.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// SQLite refused (cannot open, read-only, full, locked, corrupt …): see `code` and `message`.
        case sqlite
        /// The database file does not exist (commands that only read the history).
        case missing
        /// The file was written by a newer mxaudit (unknown migrations), or lacks mxaudit's schema.
        case schema
        /// No run with that id.
        case runNotFound = "run_not_found"
        /// The call does not fit the run's state (recording into a finished run, finishing with
        /// domains missing …).
        case invalidState = "invalid_state"
        /// A stored document could not be read back (a JSON column that does not decode).
        case unreadable
    }

    public var kind: Kind
    /// The database file.
    public var path: String
    /// What mxaudit was doing, e.g. "opening", "recording domain example.com in run 12".
    public var operation: String
    /// SQLite's extended result code, for `.sqlite`.
    public var code: Int32?
    public var message: String

    public init(_ kind: Kind, path: String, operation: String, code: Int32? = nil, message: String) {
        self.kind = kind
        self.path = path
        self.operation = operation
        self.code = code
        self.message = message
    }

    public var description: String {
        var text = "history database \(path): \(operation) failed: "
        guard let code else { return text + message }
        let primary = code & 0xFF
        text += "SQLite error \(code)" + ((Self.extendedNames[code] ?? Self.primaryNames[primary]).map { " (\($0))" } ?? "") + ": " + message
        let fileSystem = FileSystemState(holding: path)
        if primary == 8 || primary == 14 {
            text += fileSystem?.isReadOnly == true
                ? " (the file system holding it is mounted read-only)"
                : " (mxaudit writes the file and creates \((path as NSString).lastPathComponent)-wal and -shm beside it, "
                    + "even to read it: check the permissions of the file and of its directory)"
        } else if primary == 10 || primary == 13, let fileSystem {
            // SQLite says "disk I/O error" when it cannot grow its shared-memory file on a full disk.
            text += " (the file system holding it has \(fileSystem.freeSpace))"
        }
        return text
    }

    /// Turns whatever GRDB or a decoder threw into a `StoreError` naming the file and the operation.
    static func wrapping(_ error: any Error, path: String, operation: String) -> StoreError {
        switch error {
        case let error as StoreError:
            return error
        case let error as DatabaseError:
            return StoreError(.sqlite, path: path, operation: operation, code: error.extendedResultCode.rawValue,
                              message: error.message ?? "no message")
        case is DecodingError, is EncodingError:
            return StoreError(.unreadable, path: path, operation: operation, message: "\(error)")
        default:
            return StoreError(.sqlite, path: path, operation: operation, message: "\(error)")
        }
    }

    /// Extended codes that say more than their primary code about a file that cannot be used.
    private static let extendedNames: [Int32: String] = [
        264: "SQLITE_READONLY_RECOVERY", 520: "SQLITE_READONLY_CANTLOCK", 776: "SQLITE_READONLY_ROLLBACK",
        1032: "SQLITE_READONLY_DBMOVED", 1288: "SQLITE_READONLY_CANTINIT", 1544: "SQLITE_READONLY_DIRECTORY",
        526: "SQLITE_CANTOPEN_ISDIR", 782: "SQLITE_CANTOPEN_FULLPATH",
    ]

    /// SQLite's primary result codes (https://www.sqlite.org/rescode.html), for messages.
    private static let primaryNames: [Int32: String] = [
        1: "SQLITE_ERROR", 2: "SQLITE_INTERNAL", 3: "SQLITE_PERM", 4: "SQLITE_ABORT", 5: "SQLITE_BUSY",
        6: "SQLITE_LOCKED", 7: "SQLITE_NOMEM", 8: "SQLITE_READONLY", 9: "SQLITE_INTERRUPT", 10: "SQLITE_IOERR",
        11: "SQLITE_CORRUPT", 12: "SQLITE_NOTFOUND", 13: "SQLITE_FULL", 14: "SQLITE_CANTOPEN", 15: "SQLITE_PROTOCOL",
        17: "SQLITE_SCHEMA", 18: "SQLITE_TOOBIG", 19: "SQLITE_CONSTRAINT", 20: "SQLITE_MISMATCH", 21: "SQLITE_MISUSE",
        22: "SQLITE_NOLFS", 23: "SQLITE_AUTH", 25: "SQLITE_RANGE", 26: "SQLITE_NOTADB",
    ]
}
