import Foundation

/// Finds the shipped `rulesets/` and `templates/` directories: an explicit setting, then
/// $MXAUDIT_HOME, then `<prefix>/share/mxaudit` beside an installed binary, then the source
/// checkout the binary was built in, then the working directory.
enum ResourceLocator {
    static func directory(_ name: String, explicit: String?) -> String {
        if let explicit { return explicit }
        let fileManager = FileManager.default
        var candidates: [String] = []
        if let home = ProcessInfo.processInfo.environment["MXAUDIT_HOME"], !home.isEmpty {
            candidates.append((home as NSString).appendingPathComponent(name))
        }
        let executable = URL(fileURLWithPath: runningExecutable ?? CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = executable.deletingLastPathComponent()
        candidates.append(directory.appendingPathComponent("../share/mxaudit/\(name)").standardized.path)
        // A development build lives in <checkout>/.build/<triple>/<config>/mxaudit.
        for _ in 0..<6 {
            if fileManager.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                candidates.append(directory.appendingPathComponent(name).path)
                break
            }
            directory = directory.deletingLastPathComponent()
        }
        candidates.append((fileManager.currentDirectoryPath as NSString).appendingPathComponent(name))
        var isDirectory: ObjCBool = false
        return candidates.first { fileManager.fileExists(atPath: $0, isDirectory: &isDirectory) && isDirectory.boolValue }
            ?? candidates.last!
    }

    /// The running binary, from the kernel (`Bundle.main` would first read the binary's whole
    /// directory, thousands of entries in /usr/bin, to decide whether it is a bundle).
    private static var runningExecutable: String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return nil }
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
