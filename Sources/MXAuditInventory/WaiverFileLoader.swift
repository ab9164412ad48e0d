import MXAuditModel
import MXAuditYAML

/// Reads a `--waivers FILE`: a YAML list of waivers, each naming its `client` (docs/rules.md):
///
///     - client: acme-gmbh
///       rule: BSI-DANE-TLSA
///       domains: [shop.acme.example]
///       reason: DNS host cannot publish DS records; migration ticket OPS-123
///       approved_by: ciso@acme.example
///       expires: 2027-03-31
///
/// With an inventory, each client must exist and each domain must be one of its domains. Every
/// problem is reported together with file:line:column.
public enum WaiverFileLoader {
    public static func load(path: String, inventory: Inventory? = nil) throws(InputIssues) -> [Waiver] {
        try parse(try readText(path: path), file: path, inventory: inventory)
    }

    public static func parse(_ text: String, file: String, inventory: Inventory? = nil) throws(InputIssues) -> [Waiver] {
        let (document, parsed) = try YAMLDocument.parse(text, file: file)
        guard let root = parsed else {
            throw InputIssues([InputIssue(SourceLocation(file: file, line: 1, column: 1),
                                          "the waivers file is empty; it needs a list of waivers, each with client, rule and reason")])
        }
        var waivers: [Waiver] = []
        for item in root.sequence() ?? [] {
            var clientDomains: Set<DomainName>?
            if let inventory, let clientNode = item.entry("client"), let id = clientNode.string("a client id") {
                if let client = inventory.clients.first(where: { $0.id == id }) {
                    clientDomains = Set(client.domains.map(\.name))
                } else {
                    var message = "unknown client '\(id)'"
                    if let suggestion = closest(to: id, among: inventory.clients.map(\.id)) { message += "; did you mean '\(suggestion)'?" }
                    clientNode.report(message + " The inventory's clients: \(inventory.clients.map(\.id).joined(separator: ", "))")
                    continue
                }
            }
            if let waiver = WaiverReader.read(item, client: nil, clientDomains: clientDomains) { waivers.append(waiver) }
        }
        try document.throwIfIssues()
        return waivers
    }
}
