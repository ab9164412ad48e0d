import Foundation
import MXAuditModel
import MXAuditYAML

/// Loads and validates an inventory before any network work: unknown keys, duplicate domains
/// (within and across clients), invalid names, IDNs, unknown rule sets, bad dates and waivers
/// without a reason are all reported together with file:line:column.
public struct InventoryLoader: Sendable {
    /// Rule-set ids the inventory may name.
    public var knownRulesets: Set<String>
    /// Rule sets for clients that name none, when the file sets no defaults (CSV files never do).
    public var fallbackRulesets: [String]

    public init(knownRulesets: Set<String>, fallbackRulesets: [String] = ["mta-sts-baseline"]) {
        self.knownRulesets = knownRulesets
        self.fallbackRulesets = fallbackRulesets
    }

    /// Loads a `.yaml`/`.yml` or `.csv` inventory by its extension.
    public func load(path: String) throws(InputIssues) -> Inventory {
        let text = try readText(path: path)
        if path.lowercased().hasSuffix(".csv") { return try parseCSV(text, file: path) }
        return try parseYAML(text, file: path)
    }

    public func parseYAML(_ text: String, file: String) throws(InputIssues) -> Inventory {
        let (document, root) = try YAMLDocument.parse(text, file: file)
        guard let root else {
            throw InputIssues([InputIssue(SourceLocation(file: file, line: 1, column: 1),
                                          "the inventory is empty; it needs 'version: 1' and a 'clients' list")])
        }
        var builder = InventoryBuilder(document: document, loader: self)
        let inventory = builder.build(root)
        try document.throwIfIssues()
        return inventory
    }
}

/// The validation pass over one parsed YAML inventory.
private struct InventoryBuilder {
    let document: YAMLDocument
    let loader: InventoryLoader
    /// First place each domain was seen, to name both places of a duplicate.
    var seenDomains: [String: (client: String, location: SourceLocation)] = [:]
    var seenClients: [String: SourceLocation] = [:]

    init(document: YAMLDocument, loader: InventoryLoader) {
        self.document = document
        self.loader = loader
    }

    mutating func build(_ root: YAMLValue) -> Inventory {
        guard let top = root.mapping(allowed: ["version", "defaults", "clients"], required: ["version", "clients"]) else {
            return Inventory(defaultRulesets: [], clients: [])
        }
        if let version = top["version"], let number = version.int(), number != Inventory.currentVersion {
            version.report("unsupported inventory version \(number); this mxaudit reads version \(Inventory.currentVersion)")
        }
        var defaults = loader.fallbackRulesets
        if let defaultsNode = top["defaults"], let mapping = defaultsNode.mapping(allowed: ["rulesets"]) {
            if let rulesets = mapping["rulesets"].flatMap({ rulesetList($0) }) { defaults = rulesets }
        }
        var clients: [Client] = []
        if let items = top["clients"]?.sequence() {
            if items.isEmpty { top["clients"]?.report("'clients' is empty; list at least one client") }
            for item in items {
                if let client = buildClient(item, defaults: defaults) { clients.append(client) }
            }
        }
        return Inventory(defaultRulesets: defaults, clients: clients)
    }

    private func rulesetList(_ value: YAMLValue) -> [String]? {
        guard let items = value.sequence() else { return nil }
        var ids: [String] = []
        for item in items {
            guard let id = item.nonEmptyString("a rule-set id") else { continue }
            if loader.knownRulesets.contains(id) {
                ids.append(id)
            } else {
                var message = "unknown rule set '\(id)'"
                if let suggestion = closest(to: id, among: loader.knownRulesets.sorted()) {
                    message += "; did you mean '\(suggestion)'?"
                }
                message += " Known rule sets: \(loader.knownRulesets.sorted().joined(separator: ", ")) (see 'mxaudit rules list')"
                item.report(message)
            }
        }
        if items.isEmpty { value.report("'\(value.path)' is empty; name at least one rule set or leave the key out") }
        return ids
    }

    private mutating func buildClient(_ item: YAMLValue, defaults: [String]) -> Client? {
        let keys = ["id", "name", "rulesets", "contacts", "tags", "domains", "waivers"]
        guard let mapping = item.mapping(allowed: keys, required: ["id", "domains"]) else { return nil }
        guard let idNode = mapping["id"], let id = idNode.nonEmptyString("a client id") else { return nil }
        if !isValidClientID(id) {
            idNode.report("client id '\(id)' must be lower-case letters, digits and hyphens (at most 63), e.g. 'acme-gmbh'")
        }
        if let first = seenClients[id] {
            idNode.report("client id '\(id)' is used twice; first at \(first)")
        } else {
            seenClients[id] = idNode.location
        }
        let name = mapping["name"]?.nonEmptyString("the client's display name") ?? id
        let rulesets = mapping["rulesets"].flatMap { rulesetList($0) } ?? defaults
        var contacts: [String] = []
        if let contactItems = mapping["contacts"]?.sequence() {
            for contact in contactItems {
                guard let address = contact.nonEmptyString("an e-mail address") else { continue }
                if isPlausibleMailAddress(address) { contacts.append(address) } else {
                    contact.report("contact '\(address)' is not an e-mail address (local@domain)")
                }
            }
        }
        let tags = mapping["tags"].flatMap { tagList($0) } ?? []
        var domains: [InventoryDomain] = []
        if let domainItems = mapping["domains"]?.sequence() {
            if domainItems.isEmpty { mapping["domains"]?.report("client '\(id)' has no domains; list at least one") }
            for domainItem in domainItems {
                if let domain = buildDomain(domainItem, client: id) { domains.append(domain) }
            }
        }
        var waivers: [Waiver] = []
        if let waiverItems = mapping["waivers"]?.sequence() {
            for waiverItem in waiverItems {
                if let waiver = WaiverReader.read(waiverItem, client: id, clientDomains: Set(domains.map(\.name))) {
                    waivers.append(waiver)
                }
            }
        }
        return Client(id: id, name: name, rulesets: rulesets, contacts: contacts, tags: tags, domains: domains, waivers: waivers)
    }

    private func tagList(_ value: YAMLValue) -> [String]? {
        guard let tags = value.stringList() else { return nil }
        for (index, tag) in tags.enumerated() where tag.contains(where: { $0.isWhitespace || $0 == ";" || $0 == "," }) {
            let node = value.sequence()?[index] ?? value
            node.report("tag '\(tag)' must be one word (no spaces, commas or semicolons)")
        }
        return tags
    }

    private mutating func buildDomain(_ item: YAMLValue, client: String) -> InventoryDomain? {
        var nameNode = item
        var tags: [String] = []
        var selectors: [String] = []
        if case .mapping = item.node {
            guard let mapping = item.mapping(allowed: ["name", "tags", "dkim_selectors"], required: ["name"]),
                  let node = mapping["name"] else { return nil }
            nameNode = node
            tags = mapping["tags"].flatMap { tagList($0) } ?? []
            if let selectorNode = mapping["dkim_selectors"], let list = selectorNode.stringList() {
                for selector in list where (try? DomainName(selector + ".x")) == nil {
                    selectorNode.report("DKIM selector '\(selector)' is not a valid DNS label sequence")
                }
                selectors = list
            }
        }
        guard let text = nameNode.nonEmptyString("a domain name") else { return nil }
        guard let name = parseMailDomain(text, node: nameNode) else { return nil }
        if let first = seenDomains[name.ascii] {
            nameNode.report("domain '\(name.unicode)' is listed twice: here for client '\(client)' and at \(first.location) for client '\(first.client)'")
            return nil
        }
        seenDomains[name.ascii] = (client, nameNode.location)
        return InventoryDomain(name: name, tags: tags, dkimSelectors: selectors, location: nameNode.location)
    }

    private func parseMailDomain(_ text: String, node: YAMLValue) -> DomainName? {
        // A URL ("://") or a path holds a slash; byte checks, not Foundation's substring search.
        if text.utf8.contains(UInt8(ascii: "/")) || text.utf8.contains(UInt8(ascii: "@")) {
            node.report("'\(text)' is not a domain name; write the bare domain, e.g. example.com")
            return nil
        }
        let name: DomainName
        do { name = try DomainName(text) } catch {
            node.report("'\(text)' is not a valid domain name: \(error)")
            return nil
        }
        if name.ascii.contains("_") {
            node.report("'\(text)' is not a mail domain: underscores belong to service names, not host names")
            return nil
        }
        if name.labels.count < 2 {
            node.report("'\(text)' is a single label; write the full domain (e.g. \(text).example)")
            return nil
        }
        return name
    }
}

func isValidClientID(_ id: String) -> Bool {
    guard (1...63).contains(id.count), let first = id.first, first.isASCII, first.isLetter || first.isNumber else { return false }
    return id.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
}

func isPlausibleMailAddress(_ address: String) -> Bool {
    let parts = address.split(separator: "@", omittingEmptySubsequences: false)
    guard parts.count == 2, !parts[0].isEmpty, !address.contains(where: \.isWhitespace) else { return false }
    return (try? DomainName(String(parts[1]))) != nil && parts[1].contains(".")
}
