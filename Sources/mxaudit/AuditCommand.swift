import ArgumentParser
import Foundation
import MXAuditDNS
import MXAuditEngine
import MXAuditExecutor
import MXAuditModel
import MXAuditRunner
import MXAuditStore

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Collect evidence for every domain of an inventory, judge it, store the run and write reports.",
        discussion: """
        Every input (inventory, rule sets, waivers, settings) is validated before any network
        work. Domains stream into the history database (--db) as they finish; the run counts as
        "the last audit" only when every domain is stored. Ctrl-C stops cleanly and keeps the run
        as incomplete. Reports: HTML per client and a fleet overview with --out, JUnit with
        --junit; the exit code comes from the gate (--fail-on, default must).

        EXAMPLES:
          mxaudit audit --inventory clients.yaml --db audits.sqlite --out reports/
          mxaudit audit --inventory clients.csv --ruleset bsi-tr-03108 --junit mxaudit.xml --fail-on regressed
        """
    )

    @Option(name: .long, help: ArgumentHelp("The inventory file (.yaml, .yml or .csv).", valueName: "FILE"))
    var inventory: String

    @Option(name: .long, help: ArgumentHelp("Judge every client with this rule set (an id or a file); repeatable. Default: each client's own.", valueName: "ID|FILE"))
    var ruleset: [String] = []

    @Option(name: .long, help: ArgumentHelp("Waivers (comply-or-explain) from this file; repeatable.", valueName: "FILE"))
    var waivers: [String] = []

    @Flag(name: .long, help: "No progress line on standard error.")
    var quiet = false

    @Option(name: .long, help: ArgumentHelp("Write the run's work counters (queries, handshakes, cache hits, time) as JSON here.", valueName: "FILE"))
    var stats: String?

    @OptionGroup var options: CommonOptions
    @OptionGroup var reportOptions: ReportOptions

    func run() async throws {
        let started = ContinuousClock.now
        let settings = try SettingsResolver.resolve(options)
        let plan: AuditPlan
        do {
            plan = try AuditPlan.make(inventoryPath: inventory,
                                      rulesetsDirectory: ResourceLocator.directory("rulesets", explicit: settings.rulesetsDirectory),
                                      rulesetOverrides: ruleset, waiverFiles: waivers)
        } catch {
            throw MXAuditExit.badInput(error)
        }
        let (store, runID, counted) = try await collect(plan, settings: settings, started: started)
        // The network clients and their caches are gone with `collect`; the reports read the store.
        FreedMemory.returnToSystem()
        FileHandle.standardError.write(Data("mxaudit: run \(runID) complete: \(plan.domainCount) domains in \(settings.database)\n".utf8))
        // The log's pages go into the file while the reports are read and written, not at the end.
        let checkpoint = Task { try? await store.checkpoint() }
        do {
            if let keep = settings.keepRuns {
                let removed = try await HistoryDatabase.perform { try await store.prune(keepLast: keep) }
                if removed > 0 { FileHandle.standardError.write(Data("mxaudit: retention (keep_runs \(keep)): pruned \(removed) old run(s)\n".utf8)) }
            }
            try await ReportPublisher.publish(runID: runID, store: store, settings: settings, options: reportOptions,
                                              extraWaivers: plan.extraWaivers)
        } catch {
            await checkpoint.value
            try writeStatistics(counted, started: started)
            throw error
        }
        await checkpoint.value
        try writeStatistics(counted, started: started)
    }

    /// Collects, judges and stores every domain; returns the store, the run and the work counters.
    private func collect(_ plan: AuditPlan, settings: AuditSettings,
                         started: ContinuousClock.Instant) async throws -> (AuditStore, Int64, AuditStatistics) {
        let environment: AuditEnvironment
        do { environment = try AuditEnvironment(settings: settings) } catch {
            throw MXAuditExit(status: .badInput, message: "mxaudit: \(error)")
        }
        // A dead resolver is a clear error before anything is stored (issue #11).
        if let failure = await ResolverPreflight.check(environment.dns.lookup.resolver) {
            throw MXAuditExit(status: .runFailed, message: "mxaudit: the DNS resolver cannot be used: \(failure); "
                              + "nothing was audited or stored (check --resolver)")
        }
        let store: AuditStore
        do { store = try AuditStore(path: settings.database) } catch {
            throw MXAuditExit(status: .runFailed, message: "mxaudit: \(error)")
        }

        let progress = ProgressReporter(total: plan.domainCount, quiet: quiet)
        let runner = AuditRunner(plan: plan, environment: environment, store: store)
        let outcome = RunOutcome()
        let audit = Task {
            let runID = try await runner.run { judgement in
                progress.domainFinished(failed: judgement.results.contains { ($0.outcome == .fail || $0.outcome == .indeterminate) && $0.level != .may })
            }
            outcome.set(runID)
        }
        let interrupts = InterruptHandler(cancelling: audit)
        let result = await audit.result
        let counted = await environment.statistics(domains: plan.domainCount, collectSeconds: (ContinuousClock.now - started).seconds,
                                                   wallSeconds: 0)
        progress.finish()
        switch result {
        case .success:
            break
        case .failure where interrupts.wasInterrupted:
            throw MXAuditExit(status: .runFailed, message: "mxaudit: the audit was interrupted; the run is kept as incomplete (see 'mxaudit runs')")
        case .failure(let error):
            // A run that could not even begin is not "kept" (issue #11).
            let begun = (error as? StoreError)?.operation != AuditStore.beginRunOperation
            throw MXAuditExit(status: .runFailed, message: "mxaudit: the audit failed: \(error); "
                              + (begun ? "the run is kept as incomplete" : "no run was stored; earlier runs are unchanged"))
        }
        guard let runID = outcome.value else { throw MXAuditExit(status: .runFailed, message: "mxaudit: the audit produced no run") }
        return (store, runID, counted)
    }

    private func writeStatistics(_ counted: AuditStatistics, started: ContinuousClock.Instant) throws {
        guard let stats else { return }
        var statistics = counted
        statistics.wallSeconds = (ContinuousClock.now - started).seconds
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try (try encoder.encode(statistics) + Data("\n".utf8)).write(to: URL(fileURLWithPath: stats))
        } catch {
            throw MXAuditExit(status: .runFailed, message: "mxaudit: --stats \(stats): \(error.localizedDescription)")
        }
    }
}

/// The run id handed out of the audit task.
final class RunOutcome: @unchecked Sendable {
    private let lock = NSLock()
    private var runID: Int64?
    func set(_ id: Int64) { lock.lock(); runID = id; lock.unlock() }
    var value: Int64? { lock.lock(); defer { lock.unlock() }; return runID }
}

extension Duration {
    /// Seconds with a fraction, for figures meant for people and benchmarks.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
