import ArgumentParser
import Foundation
import MXAuditModel
import MXAuditStore

struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List the stored runs; prune old ones with a retention setting.",
        discussion: """
        Newest first: id, start, status, domains recorded of planned, results per outcome, the \
        rule sets. A run whose process died (SIGKILL, crash, reboot) shows as incomplete; only \
        complete runs count as "the last audit".

        --prune --keep N deletes every run older than the N-th last complete run (a run still \
        being written is never touched).

        EXAMPLES:
          mxaudit runs --db audits.sqlite --limit 20
          mxaudit runs --db audits.sqlite --prune --keep 90
        """
    )

    @Option(name: .long, help: ArgumentHelp("List at most N runs.", valueName: "N"))
    var limit: Int?

    @Flag(name: .long, help: "Print the runs as JSON.")
    var json = false

    @Flag(name: .long, help: "Delete old runs, keeping the last --keep complete runs.")
    var prune = false

    @Option(name: .long, help: ArgumentHelp("With --prune: how many complete runs to keep (default: the config file's keep_runs).", valueName: "N"))
    var keep: Int?

    @OptionGroup var options: CommonOptions

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if keep != nil && !prune { throw ValidationError("--keep N goes with --prune") }
        if let keep, keep < 1 { throw ValidationError("--keep must be at least 1") }
    }

    func run() async throws {
        let store = try HistoryDatabase.open(options, access: prune ? .readWrite : .readOnly)
        if prune {
            let configured = try SettingsResolver.resolve(options).keepRuns
            guard let keep = keep ?? configured else {
                throw MXAuditExit(status: .badInput, message: "mxaudit: --prune needs --keep N or 'keep_runs' in the config file")
            }
            let removed = try await HistoryDatabase.perform { try await store.prune(keepLast: keep) }
            FileHandle.standardError.write(Data("mxaudit: pruned \(removed) run(s); kept the last \(keep) complete run(s) and every later run\n".utf8))
        }
        let overviews = try await HistoryDatabase.perform { try await store.runOverviews(limit: limit) }
        if json {
            let encoder = DomainEvidence.makeEncoder()
            encoder.outputFormatting.insert(.prettyPrinted)
            StandardOutput.write(try encoder.encode(overviews) + Data("\n".utf8))
            return
        }
        print(Self.render(overviews), terminator: "")
    }

    static func render(_ overviews: [RunOverview]) -> String {
        guard !overviews.isEmpty else { return "No runs stored.\n" }
        let formatter = ISO8601DateFormatter()
        let header = ["run", "started", "status", "domains", "pass", "fail", "explained", "n/a", "indet.", "rule sets"]
        let rows = overviews.map { overview in
            [String(overview.run.id), formatter.string(from: overview.run.startedAt), overview.run.status.rawValue,
             "\(overview.domainsRecorded)/\(overview.domainsPlanned)"]
                + [Outcome.pass, .fail, .explained, .notApplicable, .indeterminate].map { String(overview.count($0)) }
                + [overview.run.rulesets.map { "\($0.id)@\($0.version)" }.joined(separator: ", ")]
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
