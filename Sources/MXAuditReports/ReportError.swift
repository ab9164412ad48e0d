/// Why a report could not be produced. Messages name the file and say what to change.
public enum ReportError: Error, Equatable, CustomStringConvertible {
    /// A client id asked for is not in the report's input.
    case unknownClient(String)
    /// A template the report needs is not in the templates directory.
    case templateMissing(name: String, directory: String)
    /// A template does not parse.
    case templateSyntax(file: String, line: Int, column: Int, message: String)
    /// A report file or directory could not be written.
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .unknownClient(let id):
            return "no client '\(id)' in this run"
        case .templateMissing(let name, let directory):
            return "\(directory)/\(name).mustache is missing: copy it from the shipped templates/ directory"
        case .templateSyntax(let file, let line, let column, let message):
            return "\(file):\(line):\(column): error: \(message)"
        case .writeFailed(let path, let reason):
            return "cannot write \(path): \(reason)"
        }
    }
}
