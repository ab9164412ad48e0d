/// A rule set added, removed, upgraded or edited between the runs.
public struct RulesetChange: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        case added, removed
        /// A new version.
        case upgraded
        /// Same version, different content (an edit without a version bump).
        case edited
    }

    public var id: String
    public var kind: Kind
    public var fromVersion: String?
    public var toVersion: String?

    public init(id: String, kind: Kind, fromVersion: String?, toVersion: String?) {
        self.id = id
        self.kind = kind
        self.fromVersion = fromVersion
        self.toVersion = toVersion
    }
}

/// A change of the inventory between the runs: clients, domains, a client's rule sets, waivers.
public struct InventoryChange: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        case clientAdded = "client_added", clientRemoved = "client_removed", clientRenamed = "client_renamed"
        case domainAdded = "domain_added", domainRemoved = "domain_removed", domainMoved = "domain_moved"
        case rulesetsChanged = "rulesets_changed"
        case waiverAdded = "waiver_added", waiverRemoved = "waiver_removed", waiverChanged = "waiver_changed"
    }

    public var kind: Kind
    public var clientID: String
    /// The domain, rule or client the change is about.
    public var subject: String
    public var detail: String

    public init(kind: Kind, clientID: String, subject: String, detail: String) {
        self.kind = kind
        self.clientID = clientID
        self.subject = subject
        self.detail = detail
    }
}

/// A setting that differs between the runs and can explain result changes (resolver, DNSSEC mode …).
public struct SettingChange: Sendable, Equatable, Codable {
    public var name: String
    public var before: String
    public var after: String

    public init(name: String, before: String, after: String) {
        self.name = name
        self.before = before
        self.after = after
    }
}
