import Foundation
import MXAuditModel
import MXAuditTestSupport
import Testing
@testable import MXAuditStore

@Suite("runs of dead writers and unusable files")
struct StoreRecoveryTests {
    static let spec = DomainSpec(name: "one.example", client: "acme",
                                 hosts: [Fixtures.host("mx.one.example", address: "127.60.9.1", key: "k1")])

    @Test func runsOfDeadWritersBecomeIncompleteOnTheNextOpen() async throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("history.sqlite")
        let me = WriterIdentity.current()
        #expect(me.bootID != nil && me.startTicks != nil, "Linux gives a boot id and process start times")
        let writers: [(String, WriterIdentity)] = [
            ("rebooted", WriterIdentity(host: me.host, pid: me.pid, bootID: "another-boot", startTicks: me.startTicks)),
            ("pid reused", WriterIdentity(host: me.host, pid: me.pid, bootID: me.bootID, startTicks: me.startTicks! + 1)),
            ("no such process", WriterIdentity(host: me.host, pid: 4_194_305, bootID: me.bootID, startTicks: 1)),
            ("still running", me),
            ("another host", WriterIdentity(host: "elsewhere.example", pid: 1, bootID: "other", startTicks: 1)),
        ]
        var ids: [String: Int64] = [:]
        for (label, writer) in writers {
            let store = try AuditStore(path: path, access: .readWrite, writer: writer)
            ids[label] = try await store.storeFixtureRun([Self.spec], finish: false)
        }

        // A reader that may not write still sees dead writers' runs as incomplete …
        let reader = try AuditStore(path: path, access: .readOnly)
        let seen = Dictionary(uniqueKeysWithValues: try await reader.runs(limit: nil).map { ($0.id, $0.status) })
        // … and the next read-write open records it in the file.
        _ = try AuditStore(path: path)
        let raw = try await sqlite(path, "SELECT id || ' ' || status FROM run ORDER BY id")
        for (label, expected) in [("rebooted", "incomplete"), ("pid reused", "incomplete"), ("no such process", "incomplete"),
                                  ("still running", "running"), ("another host", "running")] {
            let id = try #require(ids[label])
            #expect(seen[id]?.rawValue == expected, "\(label)")
            #expect(raw.contains("\(id) \(expected)"), "\(label): \(raw)")
        }
    }

    @Test func anUnopenableFileIsAStoreErrorNamingTheFileWithSQLitesCode() throws {
        let scratch = try ScratchDirectory()
        try Data("not a directory".utf8).write(to: scratch.url.appendingPathComponent("plain-file"))
        let underFile = scratch.path("plain-file/history.sqlite")
        let error = try #require(throws: StoreError.self) { try AuditStore(path: underFile) }
        #expect(error.kind == .sqlite && error.code == 14)
        #expect(error.description.hasPrefix("history database \(underFile): opening failed: SQLite error 14 (SQLITE_CANTOPEN): "))

        let directory = try #require(throws: StoreError.self) { try AuditStore(path: scratch.url.path) }
        #expect(directory.code.map { $0 & 0xFF } == 14)
    }

    @Test func aFileThatIsNoDatabaseIsRefused() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("notes.sqlite")
        try Data(String(repeating: "these are not the pages you are looking for\n", count: 100).utf8).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: StoreError.self) { try AuditStore(path: path) }
        #expect(error.kind == .sqlite && error.code == 26)
        #expect(error.description.contains("SQLITE_NOTADB"))
        #expect(error.description.contains(path))
    }

    @Test func anotherApplicationsDatabaseIsLeftAlone() async throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("other.sqlite")
        _ = try await sqlite(path, "CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
        let error = try #require(throws: StoreError.self) { try AuditStore(path: path) }
        #expect(error.kind == .schema && error.message.contains("not an mxaudit history"))
        #expect(try await sqlite(path, "SELECT group_concat(name) FROM sqlite_master WHERE type = 'table'") == "invoices\n")
        #expect(try await sqlite(path, "PRAGMA journal_mode") == "delete\n", "not even switched to WAL")
    }

    @Test func aHistoryFromANewerMxauditIsRefused() async throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("history.sqlite")
        _ = try AuditStore(path: path)
        _ = try await sqlite(path, "INSERT INTO grdb_migrations (identifier) VALUES ('v9: from the future')")
        for access in [AuditStore.Access.readWrite, .readOnly] {
            let error = try #require(throws: StoreError.self) { try AuditStore(path: path, access: access) }
            #expect(error.kind == .schema && error.message.contains("newer mxaudit"))
        }
    }

    @Test func readingAMissingHistoryDoesNotCreateIt() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("absent.sqlite")
        let error = try #require(throws: StoreError.self) { try AuditStore(path: path, access: .readOnly) }
        #expect(error.kind == .missing)
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func aReadOnlyStoreReadsAndNeverWrites() async throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("history.sqlite")
        let runID = try await AuditStore(path: path).storeFixtureRun([Self.spec])
        let reader = try AuditStore(path: path, access: .readOnly)
        #expect(try await reader.lastCompleteRuns(1).map(\.id) == [runID])
        let error = await #expect(throws: StoreError.self) { try await reader.prune(keepLast: 1) }
        #expect(error?.code.map { $0 & 0xFF } == 8, "SQLITE_READONLY")
    }
}

/// The sqlite3 shell, as an independent reader of the file.
func sqlite(_ path: String, _ sql: String) async throws -> String {
    let result = try await ExternalCommand.run("/usr/bin/sqlite3", [path, sql])
    #expect(result.status == 0, "sqlite3: \(result.standardError)")
    return result.standardOutput
}
