import Foundation

/// Progress of an audit on standard error: a single rewritten line on a terminal (done/total,
/// rate, ETA, failures so far), a plain line every 10 % otherwise (CI logs), nothing with --quiet.
final class ProgressReporter: @unchecked Sendable {
    private let total: Int
    private let quiet: Bool
    private let interactive: Bool
    private let started = Date()
    private let lock = NSLock()
    private var done = 0
    private var failing = 0
    private var lastDraw = Date.distantPast
    private var lastDecile = 0

    init(total: Int, quiet: Bool) {
        self.total = total
        self.quiet = quiet
        interactive = isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["CI"] == nil
    }

    /// One domain finished; `failed` when any of its must/should results failed or were indeterminate.
    func domainFinished(failed: Bool) {
        lock.lock()
        defer { lock.unlock() }
        done += 1
        if failed { failing += 1 }
        guard !quiet else { return }
        if interactive {
            guard Date().timeIntervalSince(lastDraw) > 0.2 || done == total else { return }
            lastDraw = Date()
            write("\r\u{1B}[2K" + line())
        } else {
            let decile = total == 0 ? 10 : done * 10 / total
            guard decile > lastDecile || done == total else { return }
            lastDecile = decile
            write(line() + "\n")
        }
    }

    /// Ends the progress line on a terminal.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if interactive && !quiet && done > 0 { write("\n") }
    }

    private func line() -> String {
        let elapsed = max(Date().timeIntervalSince(started), 0.001)
        let rate = Double(done) / elapsed
        let remaining = rate > 0 ? Double(total - done) / rate : 0
        return String(format: "audit: %d/%d domains, %.1f/s, ETA %@, %d with findings", done, total, rate,
                      Self.duration(remaining), failing)
    }

    private static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        return whole >= 60 ? "\(whole / 60)m\(String(format: "%02d", whole % 60))s" : "\(whole)s"
    }

    private func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}
