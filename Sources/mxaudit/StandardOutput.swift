import Foundation

/// Writes command output. SIGPIPE is ignored (OpenSSL writes to sockets with plain write(2)), so
/// a reader that goes away (`mxaudit report --format json | head`) shows up as EPIPE, which
/// `FileHandle.write(_:)` would turn into a crash; here it ends the command quietly, as a shell
/// tool is expected to.
enum StandardOutput {
    static func write(_ data: Data) {
        do {
            try FileHandle.standardOutput.write(contentsOf: data)
        } catch {
            if isBrokenPipe(error as NSError) { exit(0) }
            FileHandle.standardError.write(Data("mxaudit: cannot write to standard output: \(error.localizedDescription)\n".utf8))
            exit(ExitStatus.runFailed.rawValue)
        }
    }

    /// Foundation reports EPIPE as a file-write error with the POSIX error underneath.
    private static func isBrokenPipe(_ error: NSError) -> Bool {
        if error.domain == NSPOSIXErrorDomain, error.code == Int(EPIPE) { return true }
        guard let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError else { return false }
        return isBrokenPipe(underlying)
    }
}
