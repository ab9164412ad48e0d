import ArgumentParser
import Foundation
import MXAuditReports
import MXAuditStore

struct DiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two stored runs: regressions, fixes, new and absent findings, evidence changes.",
        discussion: """
        By default the last two complete runs are compared. Per client and for the fleet it lists \
        results that regressed (pass → fail), were fixed, are new or absent, still fail, were \
        waived or became indeterminate; evidence changes that matter even when no result moved \
        (MX set, TLSA records, MTA-STS id/mode/max_age/mx, certificate issuer or key, DNSSEC); \
        history-aware findings (an MTA-STS policy changed without a new id, a mode downgrade, TLSA \
        no longer matching after a certificate change, a new MX the policy does not cover, \
        certificates expiring); and waivers expired or expiring. Rule-set, inventory and settings \
        changes are shown apart, so a rule-set upgrade never reads as a mass regression. \
        docs/history.md describes every field.

        --fail-on regressed exits 1 when the diff holds a new problem (CI gates that block only \
        new problems).

        EXAMPLES:
          mxaudit diff --db audits.sqlite
          mxaudit diff --from 12 --to 15 --format markdown > drift.md
          mxaudit diff --format json --fail-on regressed
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, markdown }

    @Option(name: .long, help: ArgumentHelp("The older run (default: the complete run before --to).", valueName: "RUN"))
    var from: Int64?

    @Option(name: .long, help: ArgumentHelp("The newer run (default: the last complete run).", valueName: "RUN"))
    var to: Int64?

    @Option(name: .long, help: "Output format: text, json or markdown.")
    var format: Format = .text

    @Option(name: .customLong("expiring-days"), help: ArgumentHelp("Report certificates and waivers expiring within N days.", valueName: "N"))
    var expiringDays = 30

    @Option(name: .customLong("fail-on"), help: ArgumentHelp("'regressed': exit 1 when the diff holds a new problem.", valueName: "WHAT"))
    var failOn: String?

    @OptionGroup var options: CommonOptions

    func validate() throws {
        if let failOn, failOn != "regressed" { throw ValidationError("--fail-on for diff accepts only 'regressed'") }
        if expiringDays < 0 { throw ValidationError("--expiring-days must not be negative") }
    }

    func run() async throws {
        let store = try HistoryDatabase.open(options, access: .readOnly)
        let diff = try await HistoryDatabase.perform {
            let (older, newer) = try await runs(in: store)
            return RunDiffer.diff(from: try await store.storedRun(id: older), to: try await store.storedRun(id: newer),
                                  expiringWithinDays: expiringDays, today: Date())
        }
        switch format {
        case .text: print(DiffRenderer.text(diff, safe: { TerminalText.safe($0) }), terminator: "")
        case .markdown: print(DiffRenderer.markdown(diff, safe: { TerminalText.safe($0) }), terminator: "")
        case .json: StandardOutput.write(try DiffRenderer.json(diff))
        }
        if failOn != nil {
            let decision = RegressionGate.decide(diff)
            if decision.blocks {
                throw MXAuditExit(status: .nonCompliant, message: (["mxaudit: --fail-on regressed: new problems since run \(diff.from.id):"]
                    + decision.reasons.map { "  " + TerminalText.safe($0) }).joined(separator: "\n"))
            }
        }
    }

    /// The runs to compare: as named, else the last complete run and the complete run before it.
    private func runs(in store: AuditStore) async throws -> (Int64, Int64) {
        let newer: Int64
        if let to {
            newer = try await store.run(id: to).id
        } else if let latest = try await store.lastCompleteRuns(1).first {
            newer = latest.id
        } else {
            throw MXAuditExit(status: .badInput, message: "mxaudit: \(store.path) holds no complete run yet; run 'mxaudit audit' first")
        }
        if let from { return (try await store.run(id: from).id, newer) }
        guard let previous = try await store.lastCompleteRuns(1, before: newer).first else {
            throw MXAuditExit(status: .badInput,
                              message: "mxaudit: \(store.path) holds no complete run before run \(newer); name the runs with --from and --to")
        }
        return (previous.id, newer)
    }
}
