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
        let executable = URL(fileURLWithPath: Bundle.main.executablePath ?? CommandLine.arguments[0]).resolvingSymlinksInPath()
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
}
