import Foundation

/// Writes report files atomically, creating their directory, with errors that name the path.
enum ReportFiles {
    static func write(_ data: Data, to file: URL) throws {
        do {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: file, options: .atomic)
        } catch {
            throw ReportError.writeFailed(path: file.path, reason: error.localizedDescription)
        }
    }

    /// Writes a file piece by piece (a large fleet's report need not exist in memory at once),
    /// into a temporary file beside it that replaces `file` only when complete.
    static func stream(to file: URL, _ produce: (_ emit: (Data) throws -> Void) throws -> Void) throws {
        let directory = file.deletingLastPathComponent()
        let partial = directory.appendingPathComponent(".\(file.lastPathComponent).\(getpid()).partial")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: partial.path, contents: nil) else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: partial.path])
            }
            let handle = try FileHandle(forWritingTo: partial)
            do {
                try produce { try handle.write(contentsOf: $0) }
                try handle.close()
            } catch {
                try? handle.close()
                throw error
            }
            guard rename(partial.path, file.path) == 0 else {
                throw ReportError.writeFailed(path: file.path, reason: String(cString: strerror(errno)))
            }
        } catch let error as ReportError {
            try? FileManager.default.removeItem(at: partial)
            throw error
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw ReportError.writeFailed(path: file.path, reason: error.localizedDescription)
        }
    }
}
