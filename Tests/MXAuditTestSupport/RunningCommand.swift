import Foundation

extension ExternalCommand {
    /// Starts a program and returns at once, so that a test can watch it and signal it while it
    /// runs (SIGKILL or SIGINT in the middle of an audit). Its output goes to files, not pipes: a
    /// child that nobody reads can never block on a full pipe, and the output so far stays readable.
    public static func start(_ executable: String, _ arguments: [String], directory: URL? = nil,
                             environment: [String: String] = [:]) throws -> RunningCommand {
        try RunningCommand(executable, arguments, directory: directory, environment: environment)
    }
}

/// A child process started by `ExternalCommand.start`.
public final class RunningCommand: @unchecked Sendable {
    /// How the process ended: its output, and the signal that ended it (nil when it exited).
    public struct Termination: Sendable {
        public var result: CommandResult
        public var signal: Int32?
    }

    // Process is not Sendable; after `run()` it is only asked for its state, which is thread-safe.
    private let process = Process()
    private let outputFile: URL
    private let errorFile: URL
    public let pid: Int32

    fileprivate init(_ executable: String, _ arguments: [String], directory: URL?, environment: [String: String]) throws {
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent("running-command-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        outputFile = logs.appendingPathComponent("stdout")
        errorFile = logs.appendingPathComponent("stderr")
        for file in [outputFile, errorFile] {
            _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        }
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: outputFile)
        process.standardError = try FileHandle(forWritingTo: errorFile)
        try process.run()
        pid = process.processIdentifier
    }

    deinit {
        try? FileManager.default.removeItem(at: outputFile.deletingLastPathComponent())
    }

    public var isRunning: Bool { process.isRunning }

    /// What the process wrote to standard error so far.
    public var standardErrorSoFar: String { (try? String(contentsOf: errorFile, encoding: .utf8)) ?? "" }

    /// Sends `signal` (SIGKILL, SIGINT, ...) to the process.
    public func kill(_ signal: Int32) {
        _ = Foundation.kill(pid, signal)
    }

    /// Waits for the end on a thread of its own (never on the cooperative pool). A process still
    /// running after `timeout` is killed with SIGKILL, which the termination then shows.
    public func wait(timeout: Duration = .seconds(120)) async -> Termination {
        let watchdog = Task { [self] in
            try await Task.sleep(for: timeout)
            kill(SIGKILL)
        }
        defer { watchdog.cancel() }
        return await withCheckedContinuation { continuation in
            Thread { [self] in
                process.waitUntilExit()
                let result = CommandResult(status: process.terminationStatus,
                                           standardOutput: (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "",
                                           standardError: standardErrorSoFar)
                continuation.resume(returning: Termination(result: result,
                                                           signal: process.terminationReason == .uncaughtSignal ? process.terminationStatus : nil))
            }.start()
        }
    }
}
