import ArgumentParser
import Foundation
import MXAuditModel
import MXAuditReports
import MXAuditStore

struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show one domain's results over the stored runs.",
        discussion: """
        One column per run (oldest first), one line per (rule, subject): how each result went over \
        time. Runs that stopped early are marked incomplete.

        EXAMPLE:
          mxaudit history example.com --db audits.sqlite --limit 5
        """
    )

    @Argument(help: ArgumentHelp("The domain (Unicode or A-label).", valueName: "DOMAIN"))
    var domain: String

    @Option(name: .long, help: ArgumentHelp("Show the last N runs that recorded the domain.", valueName: "N"))
    var limit = 10

    @Flag(name: .long, help: "Print the runs and their results as JSON.")
    var json = false

    @OptionGroup var options: CommonOptions

    func validate() throws {
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        let name: DomainName
        do { name = try DomainName(domain) } catch {
            throw MXAuditExit(status: .badInput, message: "mxaudit: '\(domain)' is not a valid domain name: \(error)")
        }
        let store = try HistoryDatabase.open(options, access: .readOnly)
        let entries = try await HistoryDatabase.perform { try await store.history(domain: name.ascii) }.suffix(limit)
        if json {
            let encoder = DomainEvidence.makeEncoder()
            encoder.outputFormatting.insert(.prettyPrinted)
            StandardOutput.write(try encoder.encode(entries.map { HistoryEntry(run: $0.run, results: $0.results) }) + Data("\n".utf8))
            return
        }
        guard !entries.isEmpty else {
            print("No stored run has recorded \(name.unicode).")
            return
        }
        print(Self.render(domain: name, entries: Array(entries)), terminator: "")
    }

    private struct HistoryEntry: Encodable {
        var run: AuditRun
        var results: [RuleResult]
    }

    /// A grid: the runs as columns, each (rule, subject) as a line of outcomes ("·": no result in that run).
    static func render(domain: DomainName, entries: [(run: AuditRun, results: [RuleResult])]) -> String {
        var lines = ["\(domain.unicode): \(entries.count) run(s)"]
        for entry in entries {
            lines.append("  run \(entry.run.id)  \(ISO8601DateFormatter().string(from: entry.run.startedAt))  \(entry.run.status.rawValue)")
        }
        let keys = Set(entries.flatMap { $0.results.map(\.key) }).sorted()
        let outcomes = entries.map { entry in Dictionary(entry.results.map { ($0.key, $0.outcome) }, uniquingKeysWith: { first, _ in first }) }
        let labels = keys.map { TerminalText.safe("\($0.rulesetID)/\($0.ruleID)" + ($0.subject == $0.domain ? "" : " [\($0.subject)]")) }
        let header = "rule [subject]"
        let width = min(60, (labels + [header]).map(\.count).max() ?? 0)
        let columnWidth = 1 + max(Outcome.allCases.map(\.rawValue.count).max() ?? 0, entries.map { "run \($0.run.id)".count }.max() ?? 0)
        func pad(_ text: String, _ length: Int) -> String { text.padding(toLength: max(length, text.count), withPad: " ", startingAt: 0) }
        lines.append("")
        lines.append("  " + pad(header, width) + "  " + entries.map { pad("run \($0.run.id)", columnWidth) }.joined(separator: " "))
        for (key, label) in zip(keys, labels) {
            lines.append("  " + pad(label, width) + "  " + outcomes.map { pad($0[key]?.rawValue ?? "·", columnWidth) }.joined(separator: " "))
        }
        return lines.map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }.joined(separator: "\n") + "\n"
    }
}
