import Foundation
import MXAuditDigest
import MXAuditInventory
import MXAuditModel
import MXAuditRules

/// Everything an audit needs before it touches the network, validated together: the inventory,
/// the rule sets its clients name (or the ones `--ruleset` forces), the waivers. Any input problem
/// is thrown as `InputIssues` with file:line:column.
public struct AuditPlan: Sendable {
    public var inventory: Inventory
    /// SHA-256 of the inventory file's bytes (diffs tell inventory changes from result changes).
    public var inventoryHash: String
    public var rulesets: [ResolvedRuleSet]
    /// Waivers from `--waivers` files (the inventory's own travel with its clients).
    public var extraWaivers: [Waiver]

    /// - Parameters:
    ///   - rulesetOverrides: ids or files given with `--ruleset`; when non-empty they judge every client.
    public static func make(inventoryPath: String, rulesetsDirectory: String, rulesetOverrides: [String],
                            waiverFiles: [String]) throws(InputIssues) -> AuditPlan {
        let loader = RuleSetLoader(directory: rulesetsDirectory)
        var issues: [InputIssue] = []
        var overrides: [ResolvedRuleSet] = []
        for idOrPath in rulesetOverrides {
            do { overrides.append(try loader.load(idOrPath: idOrPath)) } catch { issues += error.issues }
        }
        let known: Set<String>
        do { known = Set(try RuleSetCatalogue(directory: rulesetsDirectory).ids).union(overrides.map(\.id)) } catch {
            throw InputIssues(issues + error.issues)
        }
        var inventory: Inventory
        do { inventory = try InventoryLoader(knownRulesets: known).load(path: inventoryPath) } catch {
            throw InputIssues(issues + error.issues)
        }
        if !overrides.isEmpty {
            for index in inventory.clients.indices { inventory.clients[index].rulesets = overrides.map(\.id) }
        }
        var rulesets = overrides
        let needed = Set(inventory.clients.flatMap(\.rulesets)).subtracting(overrides.map(\.id))
        for id in needed.sorted() {
            do { rulesets.append(try loader.load(idOrPath: id)) } catch { issues += error.issues }
        }
        var waivers: [Waiver] = []
        for file in waiverFiles {
            do { waivers += try WaiverFileLoader.load(path: file, inventory: inventory) } catch { issues += error.issues }
        }
        guard issues.isEmpty else { throw InputIssues(issues) }
        let bytes = FileManager.default.contents(atPath: inventoryPath).map { [UInt8]($0) } ?? []
        return AuditPlan(inventory: inventory, inventoryHash: Digest.hex(bytes), rulesets: rulesets, extraWaivers: waivers)
    }

    public var domainCount: Int { inventory.clients.reduce(0) { $0 + $1.domains.count } }
}
