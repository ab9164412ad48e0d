import Foundation
import MXAuditModel

/// mxaudit's documented exit codes.
enum ExitStatus: Int32 {
    case compliant = 0
    case nonCompliant = 1
    case badInput = 2
    case runFailed = 3
}

/// Ends the command with a status and a message for standard error.
struct MXAuditExit: Error {
    var status: ExitStatus
    var message: String

    static func badInput(_ issues: InputIssues) -> MXAuditExit {
        let count = issues.issues.count
        return MXAuditExit(status: .badInput,
                           message: issues.description + "\n\(count) problem\(count == 1 ? "" : "s") found; nothing was written.")
    }
}
