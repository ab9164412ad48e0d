import ArgumentParser
import Foundation
import MXAuditModel
import MXAuditStore

/// A test aid (docs/history.md), hidden from help: streams synthetic domains into a run through
/// the store API with a pause between them, so a test can SIGKILL mxaudit's own writer mid-run.
struct StoreSoakCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store-soak",
        abstract: "Developer aid: write a run of N synthetic domains into a history database, slowly.",
        shouldDisplay: false
    )

    @Option(name: .long, help: ArgumentHelp("The history database.", valueName: "FILE"))
    var db: String

    @Option(name: .long, help: ArgumentHelp("How many synthetic domains to record.", valueName: "N"))
    var domains: Int

    @Option(name: .customLong("delay-ms"), help: ArgumentHelp("Pause after each domain, in milliseconds.", valueName: "MS"))
    var delayMilliseconds = 50

    func validate() throws {
        if domains < 1 { throw ValidationError("--domains must be at least 1") }
        if delayMilliseconds < 0 { throw ValidationError("--delay-ms must not be negative") }
    }

    func run() async throws {
        let names = try (1...domains).map { try DomainName(String(format: "soak-%05d.example", $0)) }
        let client = Client(id: "soak", name: "Store soak", rulesets: ["soak"], domains: names.map { InventoryDomain(name: $0) })
        let store: AuditStore
        do { store = try AuditStore(path: db) } catch { throw HistoryDatabase.exit(for: error) }
        try await HistoryDatabase.perform {
            let runID = try await store.beginRun(startedAt: Date(), inventoryHash: "soak-\(domains)",
                                                 rulesets: [RulesetReference(id: "soak", version: "1", digest: "soak")],
                                                 settings: AuditSettings(database: db), clients: [client])
            Self.say("run \(runID) started")
            for (index, name) in names.enumerated() {
                try await store.record(runID: runID, evidence: Self.evidence(name), judgement: Self.judgement(name, index: index))
                Self.say("recorded \(index + 1)")
                if delayMilliseconds > 0 { try await Task.sleep(for: .milliseconds(delayMilliseconds)) }
            }
            try await store.finishRun(runID, status: .complete)
            Self.say("run \(runID) complete")
        }
    }

    private static func say(_ line: String) {
        StandardOutput.write(Data((line + "\n").utf8))
    }

    private static func evidence(_ name: DomainName) -> DomainEvidence {
        let now = Date()
        let none = "synthetic evidence (store-soak)"
        return DomainEvidence(
            domain: name, collectedAt: now, finishedAt: now, zoneDNSSEC: DNSSECVerdict(.insecure),
            mx: .present(MXEvidence(kind: .explicit, records: [MXRecord(preference: 10, exchange: "mx.\(name.ascii)")],
                                    dnssec: DNSSECVerdict(.insecure), hosts: [])),
            mtaSTS: MTASTSEvidence(txt: .skipped(none), record: .skipped(none), fetch: .skipped(none), policy: .skipped(none), coverage: []),
            tlsRPT: TLSRPTEvidence(txt: .skipped(none), record: .skipped(none)),
            spf: SPFEvidence(txt: .skipped(none), record: .skipped(none)),
            dmarc: DMARCEvidence(txt: .skipped(none), record: .skipped(none)),
            dkim: DKIMEvidence(domainKeyNode: .skipped(none), selectors: []))
    }

    private static func judgement(_ name: DomainName, index: Int) -> DomainJudgement {
        let outcomes: [Outcome] = [.pass, .fail, .notApplicable]
        let results = (1...3).map { rule in
            RuleResult(domain: name.ascii, clientID: "soak", rulesetID: "soak", rulesetVersion: "1", ruleID: "SOAK-\(rule)",
                       ruleTitle: "Synthetic rule \(rule)", level: .must, scope: .domain, subject: name.ascii,
                       outcome: outcomes[(index + rule) % outcomes.count], message: "synthetic result")
        }
        return DomainJudgement(domain: name.ascii, clientID: "soak", results: results, advice: nil)
    }
}
