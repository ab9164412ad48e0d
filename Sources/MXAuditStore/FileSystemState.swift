import Foundation

/// What the file system holding the history says about itself: whether it is mounted read-only
/// and how much room is left. For error messages a person can act on ("the disk is full" rather
/// than "disk I/O error"), and for reading a history on read-only media.
struct FileSystemState: Equatable {
    var isReadOnly: Bool
    var freeBytes: UInt64

    /// The file system of the directory that holds `path`; nil when it cannot be asked.
    init?(holding path: String) {
        let directory = (path as NSString).deletingLastPathComponent
        var info = statvfs()
        guard statvfs(directory.isEmpty ? "." : directory, &info) == 0 else { return nil }
        isReadOnly = info.f_flag & UInt(ST_RDONLY) != 0
        freeBytes = UInt64(info.f_bavail) * UInt64(info.f_frsize)
    }

    /// A phrase for a message: "1.2 MiB free", "12 KiB free".
    var freeSpace: String {
        freeBytes >= 1 << 20 ? String(format: "%.1f MiB free", Double(freeBytes) / 1_048_576) : "\(freeBytes / 1024) KiB free"
    }
}
