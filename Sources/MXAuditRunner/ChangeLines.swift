import MXAuditModel
import MXAuditReports
import MXAuditStore

/// The diff between two runs as the sentences a client report lists under "changes since the last audit".
enum ChangeLines {
    static func byClient(_ diff: RunDiff) -> [String: [ChangeLine]] {
        var lines: [String: [ChangeLine]] = [:]
        for client in diff.clients {
            var clientLines: [ChangeLine] = []
            for change in client.changes {
                guard let kind = kind(change.category) else { continue }
                let outcomes = "\(change.from?.rawValue ?? "—") → \(change.to?.rawValue ?? "—")"
                clientLines.append(ChangeLine(kind: kind, sentence: "\(change.key.subject) \(change.key.ruleID): \(outcomes) (\(change.message))",
                                              domain: change.key.domain, ruleID: change.key.ruleID))
            }
            for notice in client.waivers {
                let scope = notice.waiver.domains.isEmpty ? "every domain" : notice.waiver.domains.map(\.unicode).joined(separator: ", ")
                let when = notice.waiver.expires.map { "\($0)" } ?? "?"
                let sentence = notice.expired
                    ? "the waiver for \(notice.waiver.rule) on \(scope) expired on \(when)"
                    : "the waiver for \(notice.waiver.rule) on \(scope) expires \(when) (\(notice.daysLeft) days)"
                clientLines.append(ChangeLine(kind: .waiverExpiring, sentence: sentence, ruleID: notice.waiver.rule))
            }
            if !clientLines.isEmpty { lines[client.clientID] = clientLines }
        }
        return lines
    }

    private static func kind(_ category: ChangeCategory) -> ChangeLine.Kind? {
        switch category {
        case .regressed: return .regressed
        case .fixed: return .fixed
        case .new: return .new
        case .absent: return .absent
        case .stillFailing: return .stillFailing
        default: return nil
        }
    }
}
