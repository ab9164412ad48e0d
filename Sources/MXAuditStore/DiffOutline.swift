import Foundation
import MXAuditModel

/// A diff laid out as headings, paragraphs and tables, so that the text and Markdown renderers
/// share one structure and differ only in format.
enum DiffBlock: Equatable {
    case heading(level: Int, text: String)
    case paragraph(String)
    case table(columns: [String], rows: [[String]])
}

enum DiffOutline {
    static func blocks(_ diff: RunDiff) -> [DiffBlock] {
        var blocks: [DiffBlock] = [
            .heading(level: 1, text: "mxaudit diff: run \(diff.from.id) → run \(diff.to.id)"),
            .paragraph("from run \(describe(diff.from)); to run \(describe(diff.to))"),
            .paragraph("fleet: " + summary(diff.fleet)),
        ]
        if diff.fleet.afterRulesetChange + diff.fleet.afterInventoryChange > 0 {
            blocks.append(.paragraph("shown apart: \(diff.fleet.afterRulesetChange) result change(s) under changed rule sets, "
                + "\(diff.fleet.afterInventoryChange) from inventory changes"))
        }
        if !diff.rulesetChanges.isEmpty {
            blocks.append(.heading(level: 2, text: "Rule-set changes"))
            blocks.append(.table(columns: ["rule set", "change", "from", "to"], rows: diff.rulesetChanges.map {
                [$0.id, $0.kind.rawValue, $0.fromVersion ?? "—", $0.toVersion ?? "—"]
            }))
        }
        if !diff.inventoryChanges.isEmpty {
            blocks.append(.heading(level: 2, text: "Inventory changes"))
            blocks.append(.table(columns: ["client", "change", "subject", "detail"], rows: diff.inventoryChanges.map {
                [$0.clientID, $0.kind.rawValue, $0.subject, $0.detail]
            }))
        }
        if !diff.settingsChanges.isEmpty {
            blocks.append(.heading(level: 2, text: "Settings changes"))
            blocks.append(.table(columns: ["setting", "before", "after"], rows: diff.settingsChanges.map { [$0.name, $0.before, $0.after] }))
        }
        if !diff.notCompared.isEmpty {
            blocks.append(.paragraph("not compared (recorded by only one of the runs): " + diff.notCompared.joined(separator: ", ")))
        }
        if diff.clients.isEmpty { blocks.append(.paragraph("No result, evidence or waiver changes.")) }
        for client in diff.clients { blocks += clientBlocks(client) }
        return blocks
    }

    private static func clientBlocks(_ client: ClientDiff) -> [DiffBlock] {
        var blocks: [DiffBlock] = [.heading(level: 2, text: "\(client.clientID) — \(client.name)"), .paragraph(summary(client.counts))]
        let titles: [(ChangeCategory, String)] = [
            (.regressed, "Regressed"), (.fixed, "Fixed"), (.new, "New"), (.absent, "Absent"),
            (.stillFailing, "Still failing"), (.waived, "Waived"), (.indeterminate, "Indeterminate"),
        ]
        for (category, title) in titles {
            let changes = client.observed(category)
            if !changes.isEmpty { blocks += [.heading(level: 3, text: title), changeTable(changes, withCategory: false)] }
        }
        for (cause, title) in [(ChangeCause.rulesetChange, "After rule-set changes"), (.inventoryChange, "After inventory changes")] {
            let changes = client.changes.filter { $0.cause == cause }
            if !changes.isEmpty { blocks += [.heading(level: 3, text: title), changeTable(changes, withCategory: true)] }
        }
        if !client.evidenceChanges.isEmpty {
            blocks.append(.heading(level: 3, text: "Evidence changes"))
            blocks.append(.table(columns: ["domain", "subject", "what", "before", "after"], rows: client.evidenceChanges.map {
                [$0.domain, $0.subject, $0.kind.rawValue, $0.before, $0.after]
            }))
        }
        if !client.findings.isEmpty {
            blocks.append(.heading(level: 3, text: "Findings"))
            blocks.append(.table(columns: ["severity", "finding", "subject", "message"], rows: client.findings.map {
                [$0.severity.rawValue, $0.kind.rawValue, $0.subject, $0.message]
            }))
        }
        if !client.waivers.isEmpty {
            blocks.append(.heading(level: 3, text: "Waivers expired or expiring"))
            blocks.append(.table(columns: ["rule", "domains", "expires", "state", "reason"], rows: client.waivers.map { notice in
                let waiver = notice.waiver
                return [waiver.rule, waiver.domains.isEmpty ? "every domain" : waiver.domains.map(\.unicode).joined(separator: ", "),
                        waiver.expires?.description ?? "—",
                        notice.expired ? "expired \(-notice.daysLeft) day(s) ago" : "\(notice.daysLeft) day(s) left", waiver.reason]
            }))
        }
        return blocks
    }

    private static func changeTable(_ changes: [ResultChange], withCategory: Bool) -> DiffBlock {
        .table(columns: ["domain", "rule", "subject", "level", withCategory ? "change" : nil, "outcome", "message"].compactMap { $0 },
               rows: changes.map { change in
                   [change.key.domain, "\(change.key.rulesetID)/\(change.key.ruleID)", change.key.subject, change.level.rawValue,
                    withCategory ? change.category.rawValue : nil,
                    "\(change.from?.rawValue ?? "—") → \(change.to?.rawValue ?? "—")", change.message].compactMap { $0 }
               })
    }

    private static func describe(_ run: RunSummary) -> String {
        "\(run.id) (started \(timestamp(run.startedAt)), \(run.status.rawValue), mxaudit \(run.mxauditVersion))"
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// The non-zero totals, e.g. "2 regressed, 1 new, 3 evidence changes".
    private static func summary(_ counts: DiffCounts) -> String {
        let parts: [(Int, String, String)] = [
            (counts.regressed, "regressed", "regressed"), (counts.fixed, "fixed", "fixed"), (counts.new, "new", "new"),
            (counts.absent, "absent", "absent"), (counts.stillFailing, "still failing", "still failing"),
            (counts.waived, "waived", "waived"), (counts.indeterminate, "indeterminate", "indeterminate"),
            (counts.evidenceChanges, "evidence change", "evidence changes"), (counts.problems, "problem", "problems"),
            (counts.warnings, "warning", "warnings"), (counts.waiversExpiring, "waiver expiring", "waivers expiring"),
        ]
        let shown = parts.filter { $0.0 > 0 }.map { "\($0.0) \($0.0 == 1 ? $0.1 : $0.2)" }
        return shown.isEmpty ? "no changes" : shown.joined(separator: ", ")
    }
}
