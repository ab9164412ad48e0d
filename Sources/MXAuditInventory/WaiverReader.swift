import MXAuditModel
import MXAuditYAML

/// Reads one waiver entry (inventory `waivers:` or a `--waivers` file) with its checks.
public enum WaiverReader {
    public static let keys = ["rule", "client", "domains", "reason", "approved_by", "expires"]

    /// - Parameters:
    ///   - client: the owning client when read from an inventory; nil for a waivers file, where `client` is required.
    ///   - clientDomains: the domains the waiver may name (the client's), or nil to skip that check.
    public static func read(_ item: YAMLValue, client: String?, clientDomains: Set<DomainName>?) -> Waiver? {
        let required = client == nil ? ["rule", "client", "reason"] : ["rule", "reason"]
        let allowed = client == nil ? keys : keys.filter { $0 != "client" }
        guard let mapping = item.mapping(allowed: allowed, required: required) else { return nil }
        let rule = mapping["rule"]?.nonEmptyString("a rule id such as BSI-DANE-TLSA")
        let owner = client ?? mapping["client"]?.nonEmptyString("a client id")
        let reason = mapping["reason"]?.nonEmptyString("the reason the rule cannot be met (comply-or-explain)")
        let approvedBy = mapping["approved_by"]?.nonEmptyString("who approved the waiver")
        var expires: CalendarDay?
        if let expiresNode = mapping["expires"], let text = expiresNode.string("a date YYYY-MM-DD") {
            if let day = CalendarDay(text) { expires = day } else {
                expiresNode.report("'\(text)' is not a date; write YYYY-MM-DD, e.g. 2027-03-31")
            }
        }
        var domains: [DomainName] = []
        if let domainsNode = mapping["domains"], let items = domainsNode.sequence() {
            for domainItem in items {
                guard let text = domainItem.nonEmptyString("a domain name") else { continue }
                guard let name = try? DomainName(text) else {
                    domainItem.report("'\(text)' is not a valid domain name")
                    continue
                }
                if let clientDomains, !clientDomains.contains(name) {
                    domainItem.report("the waiver names '\(text)', which is not a domain of client '\(owner ?? "?")'")
                    continue
                }
                domains.append(name)
            }
        }
        guard let rule, let owner, let reason else { return nil }
        return Waiver(rule: rule, client: owner, domains: domains, reason: reason, approvedBy: approvedBy,
                      expires: expires, location: item.location)
    }
}
