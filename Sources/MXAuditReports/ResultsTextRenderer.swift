import Foundation
import MXAuditModel

/// Rule results on a terminal: per domain the deployment advice, one verdict line per rule set
/// (`ResultSummary`, as the other reports state it) and
/// the results that need attention (fail, indeterminate, explained), coloured on a TTY and plain
/// otherwise. Messages quote network data and pass through `TerminalText.safe`.
public enum ResultsTextRenderer {
    public struct Options: Sendable {
        /// ANSI colours (see `wantsColour`).
        public var colour: Bool
        /// Also list passing and not-applicable results.
        public var showAll: Bool

        public init(colour: Bool, showAll: Bool = false) {
            self.colour = colour
            self.showAll = showAll
        }
    }

    /// Colour only on a terminal, and never when NO_COLOR is set or TERM is "dumb" (no-color.org).
    public static func wantsColour(fileDescriptor: Int32 = STDOUT_FILENO,
                                   environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        isatty(fileDescriptor) == 1 && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
    }

    public static func render(_ judgements: [DomainJudgement], options: Options) -> String {
        var text = ""
        render(judgements, options: options) { text += $0 }
        return text
    }

    /// The same text handed out a domain at a time, so a large fleet's summary is never whole in memory.
    public static func render(_ judgements: [DomainJudgement], options: Options, emit: (String) -> Void) {
        for position in judgements.indices { emit(render(judgements, at: position, options: options)) }
    }

    /// Domains per piece of `renderConcurrently`.
    static let chunkSize = 128

    /// The same text, rendered a chunk of domains per core at once and handed out a chunk at a
    /// time in order: the summary is the last thing an audit does, while the other core idles.
    public static func renderConcurrently(_ judgements: [DomainJudgement], options: Options,
                                          cores: Int = ProcessInfo.processInfo.activeProcessorCount,
                                          emit: (String) -> Void) async {
        let chunks = stride(from: 0, to: judgements.count, by: chunkSize).map { $0..<min($0 + chunkSize, judgements.count) }
        var next = 0
        while next < chunks.count {
            let round = chunks[next..<min(next + max(1, cores), chunks.count)]
            let texts = await withTaskGroup(of: (Int, String).self) { group in
                for (order, chunk) in round.enumerated() {
                    group.addTask { (order, chunk.reduce(into: "") { $0 += render(judgements, at: $1, options: options) }) }
                }
                var texts = [String](repeating: "", count: round.count)
                for await (order, text) in group { texts[order] = text }
                return texts
            }
            for text in texts { emit(text) }
            next += round.count
        }
    }

    /// One domain's text as it appears in the whole: after the first, set off by an empty line.
    private static func render(_ judgements: [DomainJudgement], at position: Int, options: Options) -> String {
        position == judgements.startIndex ? render(judgements[position], options: options)
                                          : "\n" + render(judgements[position], options: options)
    }

    public static func render(_ judgement: DomainJudgement, options: Options) -> String {
        let paint = Painter(enabled: options.colour)
        var lines = [paint.bold(judgement.domain) + "  (client \(safe(judgement.clientID)))"]
        if let advice = judgement.advice {
            lines.append("  advice: \(paint.bold(safe(advice.title))) — \(safe(advice.advice, limit: 1000))")
        }
        var rulesets: [(id: String, version: String)] = []
        for result in judgement.results where !rulesets.contains(where: { $0.id == result.rulesetID }) {
            rulesets.append((result.rulesetID, result.rulesetVersion))
        }
        for ruleset in rulesets {
            let results = judgement.results.filter { $0.rulesetID == ruleset.id }
            let summary = ResultSummary(results)
            lines.append("  \(ruleset.id) \(ruleset.version): \(paint.verdict(summary.verdict)) — \(counts(summary.counts))")
            let shown = results.filter { options.showAll || [.fail, .indeterminate, .explained].contains($0.outcome) }
                .sorted { (rank($0.outcome), $0.level, $0.ruleID, $0.subject) < (rank($1.outcome), $1.level, $1.ruleID, $1.subject) }
            for result in shown { lines += row(result, paint) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func row(_ result: RuleResult, _ paint: Painter) -> [String] {
        let label = paint.outcome(result.outcome, padded(outcomeLabel(result.outcome), 13))
        var lines = ["    \(label) \(padded(result.level.rawValue, 6)) \(result.ruleID)  \(safe(result.subject))",
                     "      \(safe(result.message, limit: 1000))"]
        if let waiver = result.waiver {
            var text = waiver.expired ? "waiver EXPIRED" : "waiver"
            text += ": \(safe(waiver.reason))"
            if let approvedBy = waiver.approvedBy { text += "; approved by \(safe(approvedBy))" }
            if let expires = waiver.expires { text += "; \(waiver.expired ? "expired" : "until") \(expires)" }
            if let location = waiver.location { text += " (\(location))" }
            lines.append("      " + paint.dim(text))
        }
        if result.outcome == .fail, let remediation = result.remediation {
            lines.append("      " + paint.dim("fix: \(safe(remediation, limit: 1000))"))
        }
        return lines
    }

    private static func counts(_ counts: OutcomeCounts) -> String {
        [(counts.fail, Outcome.fail), (counts.indeterminate, .indeterminate), (counts.explained, .explained),
         (counts.pass, .pass), (counts.notApplicable, .notApplicable)]
            .filter { $0.0 > 0 }.map { "\($0.0) \(outcomeLabel($0.1).lowercased())" }.joined(separator: ", ")
    }

    private static func rank(_ outcome: Outcome) -> Int {
        [Outcome.fail, .indeterminate, .explained, .pass, .notApplicable].firstIndex(of: outcome) ?? 9
    }

    private static func outcomeLabel(_ outcome: Outcome) -> String {
        switch outcome {
        case .pass: return "PASS"
        case .fail: return "FAIL"
        case .explained: return "EXPLAINED"
        case .notApplicable: return "N/A"
        case .indeterminate: return "INDETERMINATE"
        }
    }

    private static func padded(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    private static func safe(_ text: String, limit: Int = 300) -> String { TerminalText.safe(text, limit: limit) }
}

/// ANSI SGR colours, or nothing when colour is off.
private struct Painter {
    let enabled: Bool

    func paint(_ code: String, _ text: String) -> String { enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
    func bold(_ text: String) -> String { paint("1", text) }
    func dim(_ text: String) -> String { paint("2", text) }

    func verdict(_ verdict: Verdict) -> String {
        switch verdict {
        case .compliant: return paint("1;32", verdict.title)
        case .findings: return paint("32", verdict.title)
        case .indeterminate: return paint("1;33", verdict.title)
        case .nonCompliant: return paint("1;31", verdict.title)
        }
    }

    func outcome(_ outcome: Outcome, _ text: String) -> String {
        switch outcome {
        case .pass: return paint("32", text)
        case .fail: return paint("1;31", text)
        case .indeterminate: return paint("33", text)
        case .explained: return paint("36", text)
        case .notApplicable: return paint("2", text)
        }
    }
}
