import Foundation
import MXAuditModel

/// Computes a `RunDiff` from two stored runs. Pure: no database, no clock (`today` is given).
public enum RunDiffer {
    public static func diff(from old: StoredRun, to new: StoredRun, expiringWithinDays: Int, today: Date) -> RunDiff {
        let causes = CauseContext(from: old, to: new)
        var parts: [String: ClientParts] = [:]
        var notCompared: [String] = []

        let names = new.domains.map(\.domain) + old.domains.map(\.domain).filter { new.domain($0) == nil }
        for name in names {
            let (before, after) = (old.domain(name), new.domain(name))
            let clientID = (after ?? before)!.clientID
            if let facts = after?.facts {
                parts[clientID, default: ClientParts()].findings += HistoryFindings.expiringCertificates(
                    domain: name, facts, today: today, days: expiringWithinDays)
            }
            switch (before, after) {
            case (nil, let added?):
                parts[clientID, default: ClientParts()].changes += ResultDiffer.inventoryChanges(added.judgement?.results ?? [], added: true)
            case (let removed?, nil):
                parts[clientID, default: ClientParts()].changes += ResultDiffer.inventoryChanges(removed.judgement?.results ?? [], added: false)
            case (let older?, let newer?):
                guard let oldJudgement = older.judgement, let newJudgement = newer.judgement,
                      let oldFacts = older.facts, let newFacts = newer.facts else {
                    if older.isRecorded || newer.isRecorded { notCompared.append(name) }
                    continue
                }
                var part = parts[clientID, default: ClientParts()]
                part.changes += ResultDiffer.changes(from: oldJudgement.results, to: newJudgement.results, causes: causes)
                part.evidenceChanges += EvidenceDiffer.changes(domain: name, from: oldFacts, to: newFacts)
                part.findings += HistoryFindings.between(domain: name, from: oldFacts, to: newFacts)
                parts[clientID] = part
            case (nil, nil):
                continue
            }
        }

        let day = CalendarDay(today)
        for client in new.clients {
            let notices = InventoryDiffer.waiverNotices(client, today: day, days: expiringWithinDays)
            if !notices.isEmpty { parts[client.id, default: ClientParts()].waivers = notices }
        }

        let clients = parts.keys.sorted().map { id in
            let part = parts[id]!
            let name = new.client(id)?.name ?? old.client(id)?.name ?? id
            return ClientDiff(clientID: id, name: name, changes: part.changes, evidenceChanges: part.evidenceChanges,
                              findings: part.findings.sorted { ($0.severity, $0.domain, $0.subject) < ($1.severity, $1.domain, $1.subject) },
                              waivers: part.waivers)
        }.filter { !$0.isEmpty }

        return RunDiff(from: RunSummary(old.run), to: RunSummary(new.run), expiringWithinDays: expiringWithinDays, today: day,
                       rulesetChanges: InventoryDiffer.rulesetChanges(from: old.run, to: new.run),
                       inventoryChanges: InventoryDiffer.inventoryChanges(from: old.clients, to: new.clients),
                       settingsChanges: InventoryDiffer.settingsChanges(from: old.run.settings, to: new.run.settings),
                       notCompared: notCompared, fleet: clients.map(\.counts).reduce(DiffCounts(), +), clients: clients)
    }
}

private struct ClientParts {
    var changes: [ResultChange] = []
    var evidenceChanges: [EvidenceChange] = []
    var findings: [HistoryFinding] = []
    var waivers: [WaiverNotice] = []
}
