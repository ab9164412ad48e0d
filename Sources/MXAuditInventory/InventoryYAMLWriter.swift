import MXAuditModel

/// Writes an inventory in the YAML format `InventoryLoader` reads (used by `mxaudit inventory import`).
public enum InventoryYAMLWriter {
    public static func write(_ inventory: Inventory) -> String {
        var out = "version: \(inventory.version)\n"
        out += "defaults: {rulesets: [\(inventory.defaultRulesets.map(quote).joined(separator: ", "))]}\n"
        out += "clients:\n"
        for client in inventory.clients {
            out += "  - id: \(quote(client.id))\n"
            out += "    name: \(quote(client.name))\n"
            out += "    rulesets: [\(client.rulesets.map(quote).joined(separator: ", "))]\n"
            if !client.contacts.isEmpty { out += "    contacts: [\(client.contacts.map(quote).joined(separator: ", "))]\n" }
            if !client.tags.isEmpty { out += "    tags: [\(client.tags.map(quote).joined(separator: ", "))]\n" }
            out += "    domains:\n"
            for domain in client.domains {
                if domain.tags.isEmpty && domain.dkimSelectors.isEmpty {
                    out += "      - \(quote(domain.name.unicode))\n"
                } else {
                    var parts = ["name: \(quote(domain.name.unicode))"]
                    if !domain.tags.isEmpty { parts.append("tags: [\(domain.tags.map(quote).joined(separator: ", "))]") }
                    if !domain.dkimSelectors.isEmpty { parts.append("dkim_selectors: [\(domain.dkimSelectors.map(quote).joined(separator: ", "))]") }
                    out += "      - {\(parts.joined(separator: ", "))}\n"
                }
            }
            if !client.waivers.isEmpty {
                out += "    waivers:\n"
                for waiver in client.waivers {
                    out += "      - rule: \(quote(waiver.rule))\n"
                    if !waiver.domains.isEmpty { out += "        domains: [\(waiver.domains.map { quote($0.unicode) }.joined(separator: ", "))]\n" }
                    out += "        reason: \(quote(waiver.reason))\n"
                    if let approvedBy = waiver.approvedBy { out += "        approved_by: \(quote(approvedBy))\n" }
                    if let expires = waiver.expires { out += "        expires: \(expires)\n" }
                }
            }
        }
        return out
    }

    /// A double-quoted YAML scalar, so that no value is read as another type or as syntax.
    static func quote(_ text: String) -> String {
        var escaped = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\t": escaped += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    escaped += String(format: "\\x%02X", scalar.value)
                } else {
                    escaped.unicodeScalars.append(scalar)
                }
            }
        }
        return escaped + "\""
    }
}

import Foundation
