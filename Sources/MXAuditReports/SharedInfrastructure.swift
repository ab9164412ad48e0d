import MXAuditModel

/// A root cause shared by several domains: one MX host, or one provider (the MX hosts' parent
/// domain), behind failing `mx_host`/`mx_address` results of many domains or clients.
struct SharedCause {
    enum Kind: String { case host = "MX host", provider = "MX provider" }

    var kind: Kind
    var name: String
    var domains: Set<String> = []
    var clients: Set<String> = []
    var rules: Set<String> = []
    var hosts: Set<String> = []

    /// Causes behind at least two domains, most domains first. A provider is listed only when more
    /// than one of its hosts fails: with one host, the host's own entry says it all.
    static func find(_ results: [RuleResult]) -> [SharedCause] {
        var byHost: [String: SharedCause] = [:]
        var byProvider: [String: SharedCause] = [:]
        for result in results where result.outcome == .fail && result.scope != .domain {
            let host = hostName(of: result)
            guard !host.isEmpty else { continue }
            byHost[host, default: SharedCause(kind: .host, name: host)].add(result, host: host)
            if let provider = providerDomain(of: host) {
                byProvider[provider, default: SharedCause(kind: .provider, name: provider)].add(result, host: host)
            }
        }
        let causes = byHost.values.filter { $0.domains.count >= 2 }
            + byProvider.values.filter { $0.domains.count >= 2 && $0.hosts.count >= 2 }
        return causes.sorted {
            ($1.domains.count, $1.clients.count, $0.name) < ($0.domains.count, $0.clients.count, $1.name)
        }
    }

    private mutating func add(_ result: RuleResult, host: String) {
        domains.insert(result.domain)
        clients.insert(result.clientID)
        rules.insert(result.ruleID)
        hosts.insert(host)
    }

    /// The MX host a result is about: the subject of an `mx_host` result, the host part of an
    /// `mx_address` subject (`host address`).
    static func hostName(of result: RuleResult) -> String {
        let host = result.scope == .mxAddress ? String(result.subject.split(separator: " ").first ?? "") : result.subject
        return host.lowercased().hasSuffix(".") ? String(host.lowercased().dropLast()) : host.lowercased()
    }

    /// The host's parent domain when it has at least two labels ("mx1.mail.example.net" → "mail.example.net").
    static func providerDomain(of host: String) -> String? {
        guard let parent = (try? DomainName(host))?.parent, parent.labels.count >= 2 else { return nil }
        return parent.ascii
    }
}
