import Dispatch
import Foundation

/// Turns SIGINT and SIGTERM into task cancellation, so an interrupted audit stops cleanly: no new
/// domains start, the run is marked incomplete, earlier runs stay untouched. A second signal
/// exits at once.
final class InterruptHandler: @unchecked Sendable {
    private var sources: [any DispatchSourceSignal] = []
    private let lock = NSLock()
    private var interrupted = false

    /// Cancels `task` on the first SIGINT/SIGTERM.
    init(cancelling task: Task<Void, any Error>) {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [weak self] in self?.handle(signalNumber, task: task) }
            source.resume()
            sources.append(source)
        }
    }

    var wasInterrupted: Bool {
        lock.lock()
        defer { lock.unlock() }
        return interrupted
    }

    private func handle(_ signalNumber: Int32, task: Task<Void, any Error>) {
        lock.lock()
        let second = interrupted
        interrupted = true
        lock.unlock()
        if second { Foundation.exit(128 + signalNumber) }
        FileHandle.standardError.write(Data("\nmxaudit: interrupted; stopping (the run is kept as incomplete)…\n".utf8))
        task.cancel()
    }

    deinit { sources.forEach { $0.cancel() } }
}
