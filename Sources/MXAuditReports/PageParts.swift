import Foundation
import MXAuditModel

// Small view models the templates share. Their stored properties are what templates can name
// (swift-mustache reads them by reflection); docs/reports.md lists them for template authors.

struct VerdictView {
    /// `compliant`, `compliant_with_findings`, `indeterminate`, `non_compliant`: CSS classes use it.
    var key: String
    var title: String

    init(_ verdict: Verdict) {
        key = verdict.rawValue
        title = verdict.title
    }
}

struct RunView {
    var id: String
    var started: String
    var finished: String?
    var status: String
    var incomplete: Bool
    var version: String
    var rulesets: [RulesetReferenceView]

    struct RulesetReferenceView {
        var id: String
        var version: String
    }

    init(_ run: AuditRun) {
        id = String(run.id)
        started = ReportDates.display(run.startedAt)
        finished = run.finishedAt.map(ReportDates.display)
        status = run.status.rawValue
        incomplete = run.status != .complete
        version = run.mxauditVersion
        rulesets = run.rulesets.map { RulesetReferenceView(id: $0.id, version: $0.version) }
    }
}

/// A score history as an inline SVG polyline (0–100 mapped onto the height).
struct SparklineView {
    var width: Int
    var height: Int
    var points: String
    var lastX: String
    var lastY: String
    /// "72 → 85 over 6 runs (2026-03-01 – 2026-05-04)", also the SVG's title.
    var summary: String

    init?(_ trend: [TrendPoint], width: Int = 160, height: Int = 36) {
        guard trend.count >= 2 else { return nil }
        self.width = width
        self.height = height
        let margin = 3.0
        let step = (Double(width) - 2 * margin) / Double(trend.count - 1)
        let coordinates = trend.enumerated().map { index, point in
            (margin + Double(index) * step,
             margin + (100 - min(100, max(0, point.score))) / 100 * (Double(height) - 2 * margin))
        }
        points = coordinates.map { String(format: "%.1f,%.1f", $0.0, $0.1) }.joined(separator: " ")
        lastX = String(format: "%.1f", coordinates.last!.0)
        lastY = String(format: "%.1f", coordinates.last!.1)
        let first = trend.first!, last = trend.last!
        summary = "\(Int(first.score)) → \(Int(last.score)) over \(trend.count) runs ("
            + "\(CalendarDay(first.date)) – \(CalendarDay(last.date)))"
    }
}

struct ChangeView {
    var kind: String
    var kindTitle: String
    var sentence: String

    init(_ change: ChangeLine) {
        kind = change.kind.rawValue
        kindTitle = change.kind.rawValue.replacingOccurrences(of: "_", with: " ")
        sentence = ReportText.text(change.sentence, limit: 1000)
    }
}

struct UnusedWaiverView {
    var client: String
    var rule: String
    var domains: String
    var reason: String
    var note: String

    init(_ unused: UnusedWaiver) {
        client = unused.waiver.client
        rule = unused.waiver.rule
        domains = unused.waiver.domains.isEmpty ? "every domain" : unused.waiver.domains.map(\.unicode).joined(separator: ", ")
        reason = ReportText.text(unused.waiver.reason, limit: 1000)
        note = ReportText.text(unused.note, limit: 1000)
    }
}

/// Client ids become file names; the inventory restricts them to [a-z0-9-], and anything else
/// is replaced so that a name can never leave the output directory.
enum ReportFileName {
    static func stem(_ clientID: String) -> String {
        let safe = String(clientID.map { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") ? $0 : "_" })
        return safe.isEmpty ? "_" : safe
    }

    /// `<client>.html`, the client's page beside `index.html`.
    static func page(_ clientID: String) -> String { stem(clientID) + ".html" }
}
