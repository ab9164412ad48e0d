import Foundation
import MXAuditModel

/// What changed around the results: the rule sets, the inventory, the settings; and the
/// waivers that expired or are about to.
enum InventoryDiffer {
    static func rulesetChanges(from old: AuditRun, to new: AuditRun) -> [RulesetChange] {
        let before = Dictionary(old.rulesets.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let after = Dictionary(new.rulesets.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return Set(before.keys).union(after.keys).sorted().compactMap { id in
            switch (before[id], after[id]) {
            case (nil, let added?): return RulesetChange(id: id, kind: .added, fromVersion: nil, toVersion: added.version)
            case (let removed?, nil): return RulesetChange(id: id, kind: .removed, fromVersion: removed.version, toVersion: nil)
            case (let older?, let newer?) where older.version != newer.version:
                return RulesetChange(id: id, kind: .upgraded, fromVersion: older.version, toVersion: newer.version)
            case (let older?, let newer?) where older.digest != newer.digest:
                return RulesetChange(id: id, kind: .edited, fromVersion: older.version, toVersion: newer.version)
            default: return nil
            }
        }
    }

    static func inventoryChanges(from old: [Client], to new: [Client]) -> [InventoryChange] {
        var changes: [InventoryChange] = []
        let before = Dictionary(old.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let after = Dictionary(new.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for id in Set(before.keys).union(after.keys).sorted() {
            switch (before[id], after[id]) {
            case (nil, let added?):
                changes.append(InventoryChange(kind: .clientAdded, clientID: id, subject: id, detail: "\(added.name), \(added.domains.count) domain(s)"))
            case (let removed?, nil):
                changes.append(InventoryChange(kind: .clientRemoved, clientID: id, subject: id, detail: "\(removed.name), \(removed.domains.count) domain(s)"))
            case (let older?, let newer?):
                if older.name != newer.name {
                    changes.append(InventoryChange(kind: .clientRenamed, clientID: id, subject: id, detail: "\(older.name) → \(newer.name)"))
                }
                if older.rulesets != newer.rulesets {
                    changes.append(InventoryChange(kind: .rulesetsChanged, clientID: id, subject: id,
                                                   detail: "\(older.rulesets.joined(separator: ", ")) → \(newer.rulesets.joined(separator: ", "))"))
                }
                changes += waiverChanges(clientID: id, older.waivers, newer.waivers)
            default: break
            }
        }
        return changes + domainChanges(from: old, to: new)
    }

    private static func domainChanges(from old: [Client], to new: [Client]) -> [InventoryChange] {
        func owners(_ clients: [Client]) -> [String: String] {
            var map: [String: String] = [:]
            for client in clients { for domain in client.domains { map[domain.name.ascii] = client.id } }
            return map
        }
        let (before, after) = (owners(old), owners(new))
        return Set(before.keys).union(after.keys).sorted().compactMap { domain in
            switch (before[domain], after[domain]) {
            case (nil, let client?): return InventoryChange(kind: .domainAdded, clientID: client, subject: domain, detail: "added to \(client)")
            case (let client?, nil): return InventoryChange(kind: .domainRemoved, clientID: client, subject: domain, detail: "removed from \(client)")
            case (let older?, let newer?) where older != newer:
                return InventoryChange(kind: .domainMoved, clientID: newer, subject: domain, detail: "moved from \(older) to \(newer)")
            default: return nil
            }
        }
    }

    /// A waiver is known by its rule and domains; the rest of it (reason, expiry, approver) can change.
    private static func waiverChanges(clientID: String, _ old: [Waiver], _ new: [Waiver]) -> [InventoryChange] {
        func identity(_ waiver: Waiver) -> String {
            waiver.rule + " " + (waiver.domains.isEmpty ? "(every domain)" : waiver.domains.map(\.ascii).sorted().joined(separator: ","))
        }
        func terms(_ waiver: Waiver) -> String {
            "expires \(waiver.expires?.description ?? "never"), approved by \(waiver.approvedBy ?? "nobody"): \(waiver.reason)"
        }
        let before = Dictionary(old.map { (identity($0), $0) }, uniquingKeysWith: { first, _ in first })
        let after = Dictionary(new.map { (identity($0), $0) }, uniquingKeysWith: { first, _ in first })
        return Set(before.keys).union(after.keys).sorted().compactMap { key in
            switch (before[key], after[key]) {
            case (nil, let added?): return InventoryChange(kind: .waiverAdded, clientID: clientID, subject: key, detail: terms(added))
            case (let removed?, nil): return InventoryChange(kind: .waiverRemoved, clientID: clientID, subject: key, detail: terms(removed))
            case (let older?, let newer?) where terms(older) != terms(newer):
                return InventoryChange(kind: .waiverChanged, clientID: clientID, subject: key, detail: "\(terms(older)) → \(terms(newer))")
            default: return nil
            }
        }
    }

    /// The settings that can explain result changes (the database and output paths cannot).
    static func settingsChanges(from old: AuditSettings, to new: AuditSettings) -> [SettingChange] {
        let fields: [(String, (AuditSettings) -> String)] = [
            ("resolver", { $0.resolver ?? "system" }),
            ("trust_anchor", { $0.trustAnchor ?? "IANA root anchors" }),
            ("ca_file", { $0.caFile ?? "system store" }),
            ("dnssec", { $0.dnssecMode.rawValue }),
            ("timeout", { String($0.timeoutSeconds) }),
            ("concurrency", { String($0.concurrency) }),
            ("rulesets_dir", { $0.rulesetsDirectory ?? "shipped" }),
            ("helo", { $0.heloName ?? "this machine's name" }),
        ]
        return fields.compactMap { name, value in
            value(old) == value(new) ? nil : SettingChange(name: name, before: value(old), after: value(new))
        }
    }

    /// Waivers of the client that expired, or expire within `days` of `today` (the expiry day itself still counts as covered).
    static func waiverNotices(_ client: Client, today: CalendarDay, days: Int) -> [WaiverNotice] {
        client.waivers.compactMap { waiver in
            guard let expires = waiver.expires else { return nil }
            let left = Int((expires.endOfDay.timeIntervalSince(today.endOfDay) / 86_400).rounded())
            guard left <= days else { return nil }
            return WaiverNotice(waiver: waiver, daysLeft: left)
        }
    }
}
