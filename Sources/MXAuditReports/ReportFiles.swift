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
}
