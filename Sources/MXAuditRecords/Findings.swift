import MXAuditModel

/// Errors (the record is unusable under its RFC) and warnings (it works, but a person should
/// know), collected in the order found and bounded so that hostile input cannot grow them.
struct Findings {
    static let maximumPerList = 64

    private(set) var errors: [LintFinding] = []
    private(set) var warnings: [LintFinding] = []

    mutating func error(_ id: String, _ message: String, line: Int? = nil) {
        Self.append(LintFinding(id: id, message: message, line: line), to: &errors)
    }

    mutating func warning(_ id: String, _ message: String, line: Int? = nil) {
        Self.append(LintFinding(id: id, message: message, line: line), to: &warnings)
    }

    func hasError(_ id: String) -> Bool { errors.contains { $0.id == id } }

    private static func append(_ finding: LintFinding, to list: inout [LintFinding]) {
        if list.count < maximumPerList {
            list.append(finding)
        } else if list.count == maximumPerList {
            list.append(LintFinding(id: "too_many_findings", message: "further findings of this kind are not listed"))
        }
    }
}
