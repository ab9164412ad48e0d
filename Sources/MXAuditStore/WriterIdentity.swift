import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process that writes a run, recorded with the run so that a later open can tell a run that
/// is still being written from one whose writer died (SIGKILL, a crash, a power cut).
///
/// A run is judged only on the machine that wrote it: another host's process table says nothing.
/// There it is dead when the machine rebooted since (the boot id changed), when no process has its
/// PID, or when the process with that PID started at another time (the PID was reused).
struct WriterIdentity: Sendable, Equatable {
    var host: String
    var pid: Int32
    /// Linux's `/proc/sys/kernel/random/boot_id`; nil where there is none.
    var bootID: String?
    /// The process start time in clock ticks since boot (`/proc/PID/stat`, field 22); nil where unknown.
    var startTicks: Int64?

    enum State: Equatable { case alive, dead, unknown }

    static func current() -> WriterIdentity {
        let pid = getpid()
        return WriterIdentity(host: hostName(), pid: pid, bootID: bootID(), startTicks: startTicks(of: pid))
    }

    /// Whether this writer still runs, as seen from `observer` (the current process).
    func state(seenFrom observer: WriterIdentity) -> State {
        guard host == observer.host else { return .unknown }
        if let bootID, let observedBoot = observer.bootID, bootID != observedBoot { return .dead }
        if kill(pid, 0) != 0 && errno == ESRCH { return .dead }
        if let startTicks, let now = Self.startTicks(of: pid), now != startTicks { return .dead }
        return .alive
    }

    private static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func bootID() -> String? {
        guard let text = try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8) else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }

    /// Field 22 of `/proc/PID/stat`; the command name (field 2) may hold spaces and parentheses,
    /// so the fields are counted after its last ')'.
    static func startTicks(of pid: Int32) -> Int64? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (the state), so field 22 is fields[19].
        return fields.count > 19 ? Int64(fields[19]) : nil
    }
}
