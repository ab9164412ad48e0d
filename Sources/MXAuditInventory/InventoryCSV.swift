import MXAuditModel
import MXAuditYAML

/// The CSV exchange format MSPs export from their PSA/RMM tools:
/// `client_id,client_name,domain,rulesets,tags` with one row per domain; `rulesets` and `tags`
/// hold several values separated by `;`. An optional `dkim_selectors` column is read too.
public enum InventoryCSV {
    public static let requiredColumns = ["client_id", "client_name", "domain", "rulesets", "tags"]
    public static let optionalColumns = ["dkim_selectors"]

    /// Writes an inventory as CSV (contacts and waivers have no column: use YAML for them).
    public static func write(_ inventory: Inventory) -> String {
        var lines = [(requiredColumns + optionalColumns).joined(separator: ",")]
        for client in inventory.clients {
            for domain in client.domains {
                let fields = [client.id, client.name, domain.name.unicode, client.rulesets.joined(separator: ";"),
                              domain.tags.joined(separator: ";"), domain.dkimSelectors.joined(separator: ";")]
                lines.append(fields.map(CSVReader.escape).joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension InventoryLoader {
    public func parseCSV(_ text: String, file: String) throws(InputIssues) -> Inventory {
        func at(_ line: Int, _ column: Int) -> SourceLocation { SourceLocation(file: file, line: line, column: column) }
        let rows: [[CSVField]]
        do { rows = try CSVReader.rows(text) } catch {
            throw InputIssues([InputIssue(at(error.line, error.column), "CSV syntax error: \(error.message)")])
        }
        guard let header = rows.first else {
            throw InputIssues([InputIssue(at(1, 1), "the CSV file is empty; its first line must be: \(InventoryCSV.requiredColumns.joined(separator: ","))")])
        }
        var issues: [InputIssue] = []
        var columnIndex: [String: Int] = [:]
        for (index, field) in header.enumerated() {
            let name = field.text.trimmingCharacters(in: .whitespaces).lowercased()
            if InventoryCSV.requiredColumns.contains(name) || InventoryCSV.optionalColumns.contains(name) {
                if columnIndex[name] != nil { issues.append(InputIssue(at(field.line, field.column), "column '\(name)' appears twice")) }
                columnIndex[name] = index
            } else {
                var message = "unknown column '\(field.text)'"
                if let hint = closest(to: name, among: InventoryCSV.requiredColumns + InventoryCSV.optionalColumns) {
                    message += "; did you mean '\(hint)'?"
                }
                issues.append(InputIssue(at(field.line, field.column), message))
            }
        }
        for column in InventoryCSV.requiredColumns where columnIndex[column] == nil {
            issues.append(InputIssue(at(1, 1), "the header lacks the column '\(column)'; the first line must name: \(InventoryCSV.requiredColumns.joined(separator: ","))"))
        }
        guard issues.isEmpty else { throw InputIssues(issues) }

        struct ClientDraft {
            var id: String
            var name: String
            var nameField: CSVField
            var rulesets: [String]?
            var rulesetsField: CSVField?
            var domains: [InventoryDomain] = []
        }
        var drafts: [ClientDraft] = []
        var draftIndex: [String: Int] = [:]
        var seenDomains: [String: (client: String, location: SourceLocation)] = [:]

        for row in rows.dropFirst() {
            let rowLine = row.first?.line ?? 1
            guard row.count == header.count else {
                issues.append(InputIssue(at(rowLine, 1), "this row has \(row.count) fields; the header has \(header.count)"))
                continue
            }
            func field(_ column: String) -> CSVField? { columnIndex[column].map { row[$0] } }
            func values(_ field: CSVField?) -> [String] {
                (field?.text ?? "").split(whereSeparator: { $0 == ";" }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            }
            let idField = field("client_id")!, nameField = field("client_name")!, domainField = field("domain")!
            let rulesetsField = field("rulesets")!, tagsField = field("tags")!
            let id = idField.text.trimmingCharacters(in: .whitespaces)
            guard isValidClientID(id) else {
                issues.append(InputIssue(at(idField.line, idField.column), "client_id '\(id)' must be lower-case letters, digits and hyphens (at most 63), e.g. 'acme-gmbh'"))
                continue
            }
            let clientName = nameField.text.trimmingCharacters(in: .whitespaces)
            var rulesets: [String]? = nil
            let rulesetIDs = values(rulesetsField)
            if !rulesetIDs.isEmpty {
                rulesets = []
                for ruleset in rulesetIDs {
                    if knownRulesets.contains(ruleset) { rulesets?.append(ruleset) } else {
                        var message = "unknown rule set '\(ruleset)'"
                        if let hint = closest(to: ruleset, among: knownRulesets.sorted()) { message += "; did you mean '\(hint)'?" }
                        issues.append(InputIssue(at(rulesetsField.line, rulesetsField.column), message))
                    }
                }
            }
            let index: Int
            if let existing = draftIndex[id] {
                index = existing
                if !clientName.isEmpty, clientName != drafts[index].name {
                    issues.append(InputIssue(at(nameField.line, nameField.column), "client '\(id)' is named '\(clientName)' here but '\(drafts[index].name)' at \(file):\(drafts[index].nameField.line):\(drafts[index].nameField.column); use one name"))
                }
                if let rulesets, let earlier = drafts[index].rulesets, Set(rulesets) != Set(earlier), let earlierField = drafts[index].rulesetsField {
                    issues.append(InputIssue(at(rulesetsField.line, rulesetsField.column), "client '\(id)' has rule sets '\(rulesets.joined(separator: ";"))' here but '\(earlier.joined(separator: ";"))' at \(file):\(earlierField.line):\(earlierField.column); rule sets belong to the client"))
                } else if let rulesets, drafts[index].rulesets == nil {
                    drafts[index].rulesets = rulesets
                    drafts[index].rulesetsField = rulesetsField
                }
            } else {
                index = drafts.count
                draftIndex[id] = index
                drafts.append(ClientDraft(id: id, name: clientName.isEmpty ? id : clientName, nameField: nameField,
                                          rulesets: rulesets, rulesetsField: rulesets == nil ? nil : rulesetsField))
            }
            let domainText = domainField.text.trimmingCharacters(in: .whitespaces)
            let location = at(domainField.line, domainField.column)
            guard let name = try? DomainName(domainText), !name.ascii.contains("_"), name.labels.count >= 2 else {
                issues.append(InputIssue(location, "'\(domainText)' is not a valid mail domain"))
                continue
            }
            if let first = seenDomains[name.ascii] {
                issues.append(InputIssue(location, "domain '\(name.unicode)' is listed twice: here for client '\(id)' and at \(first.location) for client '\(first.client)'"))
                continue
            }
            seenDomains[name.ascii] = (id, location)
            let tags = values(tagsField)
            let selectors = values(field("dkim_selectors"))
            drafts[index].domains.append(InventoryDomain(name: name, tags: tags, dkimSelectors: selectors, location: location))
        }
        if rows.count == 1 { issues.append(InputIssue(at(1, 1), "the CSV file has a header but no domains")) }
        guard issues.isEmpty else { throw InputIssues(issues) }
        let clients = drafts.map {
            Client(id: $0.id, name: $0.name, rulesets: $0.rulesets ?? fallbackRulesets, domains: $0.domains)
        }
        return Inventory(defaultRulesets: fallbackRulesets, clients: clients)
    }
}

import Foundation
