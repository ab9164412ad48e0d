/// The clients and domains an auditor is responsible for, validated and normalised.
public struct Inventory: Sendable, Equatable, Codable {
    public static let currentVersion = 1

    public var version: Int
    /// Rule sets for clients that name none.
    public var defaultRulesets: [String]
    public var clients: [Client]

    public init(version: Int = Inventory.currentVersion, defaultRulesets: [String], clients: [Client]) {
        self.version = version
        self.defaultRulesets = defaultRulesets
        self.clients = clients
    }

    /// Every domain with its client, in inventory order.
    public var domains: [(client: Client, domain: InventoryDomain)] {
        clients.flatMap { client in client.domains.map { (client, $0) } }
    }
}

public struct Client: Sendable, Equatable, Codable {
    /// A stable id: lower-case letters, digits and hyphens; used in file names and JUnit class names.
    public var id: String
    public var name: String
    /// The rule sets that judge this client's domains (the inventory default when the client names none).
    public var rulesets: [String]
    public var contacts: [String]
    public var tags: [String]
    public var domains: [InventoryDomain]
    public var waivers: [Waiver]

    public init(id: String, name: String, rulesets: [String], contacts: [String] = [], tags: [String] = [],
                domains: [InventoryDomain], waivers: [Waiver] = []) {
        self.id = id
        self.name = name
        self.rulesets = rulesets
        self.contacts = contacts
        self.tags = tags
        self.domains = domains
        self.waivers = waivers
    }
}

public struct InventoryDomain: Sendable, Equatable, Codable {
    public var name: DomainName
    public var tags: [String]
    /// DKIM selectors the client told us about; without them only `_domainkey` existence can be tested.
    public var dkimSelectors: [String]
    /// Where the domain is written, for messages about it.
    public var location: SourceLocation?

    public init(name: DomainName, tags: [String] = [], dkimSelectors: [String] = [], location: SourceLocation? = nil) {
        self.name = name
        self.tags = tags
        self.dkimSelectors = dkimSelectors
        self.location = location
    }
}

/// The "explain" of comply-or-explain: a documented, approved, expiring exception to one rule.
public struct Waiver: Sendable, Equatable, Codable {
    public var rule: String
    /// The client it belongs to.
    public var client: String
    /// The domains it covers; empty means every domain of the client.
    public var domains: [DomainName]
    public var reason: String
    public var approvedBy: String?
    public var expires: CalendarDay?
    public var location: SourceLocation?

    public init(rule: String, client: String, domains: [DomainName], reason: String, approvedBy: String?,
                expires: CalendarDay?, location: SourceLocation? = nil) {
        self.rule = rule
        self.client = client
        self.domains = domains
        self.reason = reason
        self.approvedBy = approvedBy
        self.expires = expires
        self.location = location
    }
}
