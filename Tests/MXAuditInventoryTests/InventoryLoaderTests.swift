import Foundation
import MXAuditInventory
import MXAuditModel
import MXAuditRules
import Testing

/// The repository checkout, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func fixture(_ name: String) -> String {
    Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil)!.path
}

func makeLoader() throws -> InventoryLoader {
    let catalogue = try RuleSetCatalogue(directory: repositoryRoot.appendingPathComponent("rulesets").path)
    return InventoryLoader(knownRulesets: catalogue.ids)
}

@Suite("Inventory loading and validation")
struct InventoryLoaderTests {
    @Test func shippedExampleInventoryIsValid() throws {
        let inventory = try makeLoader().load(path: repositoryRoot.appendingPathComponent("examples/inventory.yaml").path)
        #expect(inventory.clients.map(\.id) == ["acme-gmbh", "gemeente-voorbeeld", "small-shop"])
        let acme = inventory.clients[0]
        #expect(acme.rulesets == ["bsi-tr-03108"])
        #expect(acme.contacts == ["it@acme.example"])
        #expect(acme.domains.map(\.name.ascii) == ["acme.example", "shop.acme.example"])
        #expect(acme.domains[1].tags == ["webshop"])
        #expect(acme.domains[1].dkimSelectors == ["sel1"])
        let waiver = try #require(acme.waivers.first)
        #expect(waiver.rule == "BSI-DANE-TLSA")
        #expect(waiver.domains.map(\.ascii) == ["shop.acme.example"])
        #expect(waiver.expires == CalendarDay("2027-03-31"))
        #expect(waiver.approvedBy == "ciso@acme.example")
        // The IDN is stored as its A-label and keeps its U-label for display.
        let idn = inventory.clients[1].domains[1].name
        #expect(idn.ascii == "xn--mller-bckerei-hfb76a.example")
        #expect(idn.unicode == "müller-bäckerei.example")
        // A client without rule sets gets the defaults.
        #expect(inventory.clients[2].rulesets == ["mta-sts-baseline"])
    }

    /// Each broken inventory fails with exactly these problems (line:column: message).
    @Test("broken inventories name file, line, column and the fix", arguments: [
        ("unknown-key.yaml", [
            "4:5: error: unknown key 'rulset' in 'clients[0]'; did you mean 'rulesets'? Allowed keys: id, name, rulesets, contacts, tags, domains, waivers",
        ]),
        ("duplicate-domain.yaml", [
            "9:9: error: domain 'acme.example' is listed twice: here for client 'other' and at FIXTURE(duplicate-domain.yaml):5:9 for client 'acme'",
        ]),
        ("invalid-name.yaml", [
            "6:9: error: 'bad..example' is not a valid domain name: the name has an empty label (two dots in a row, or a leading dot)",
            "7:9: error: 'https://acme.example/' is not a domain name; write the bare domain, e.g. example.com",
            "8:9: error: 'under_score.example' is not a mail domain: underscores belong to service names, not host names",
        ]),
        ("unknown-ruleset.yaml", [
            "6:16: error: unknown rule set 'bsi-tr-3108'; did you mean 'bsi-tr-03108'? Known rule sets: bsi-tr-03108, mta-sts-baseline, nl-comply-or-explain (see 'mxaudit rules list')",
        ]),
        ("bad-date.yaml", [
            "8:18: error: '2027-02-30' is not a date; write YYYY-MM-DD, e.g. 2027-03-31",
        ]),
        ("waiver-without-reason.yaml", [
            "6:9: error: 'clients[0].waivers[0]' needs the key 'reason'",
        ]),
        ("syntax-error.yaml", [
            "5:1: error: YAML syntax error: did not find expected ',' or ']'",
        ]),
        ("invalid-idn.yaml", [
            "5:9: error: 'xn--a.example' is not a valid domain name: the label 'xn--a' is not a valid internationalized label",
        ]),
        ("domains-not-a-list.yaml", [
            "3:9: error: client id 'Acme_GmbH' must be lower-case letters, digits and hyphens (at most 63), e.g. 'acme-gmbh'",
            "4:14: error: 'clients[0].domains' must be a list (e.g. [a, b] or '- a' lines), not a single value",
        ]),
        ("wrong-version.yaml", [
            "1:10: error: unsupported inventory version 2; this mxaudit reads version 1",
        ]),
        ("bad-column.csv", [
            "1:23: error: unknown column 'domian'; did you mean 'domain'?",
            "1:1: error: the header lacks the column 'domain'; the first line must name: client_id,client_name,domain,rulesets,tags",
        ]),
        ("duplicate.csv", [
            "4:13: error: domain 'acme.example' is listed twice: here for client 'other' and at FIXTURE(duplicate.csv):2:11 for client 'acme'",
        ]),
        ("unclosed-quote.csv", [
            "2:6: error: CSV syntax error: a quoted field is never closed",
        ]),
        ("inconsistent-client.csv", [
            "3:6: error: client 'acme' is named 'ACME AG' here but 'ACME GmbH' at FIXTURE(inconsistent-client.csv):2:6; use one name",
            "3:32: error: client 'acme' has rule sets 'nl-comply-or-explain' here but 'bsi-tr-03108' at FIXTURE(inconsistent-client.csv):2:29; rule sets belong to the client",
        ]),
    ])
    func brokenInventory(file: String, expected: [String]) throws {
        let path = fixture(file)
        let issues = try #require(throws: InputIssues.self) { try makeLoader().load(path: path) }
        let expectedLines = expected.map { line in
            path + ":" + line.replacingOccurrences(of: "FIXTURE(\(file))", with: path)
        }
        #expect(issues.issues.map(\.description) == expectedLines)
    }

    @Test func missingFileIsAnInputError() throws {
        let issues = try #require(throws: InputIssues.self) { try makeLoader().load(path: "/nonexistent/inventory.yaml") }
        #expect(issues.description == "/nonexistent/inventory.yaml:1:1: error: the file does not exist")
    }

    @Test func invalidUTF8IsReportedAtItsLine() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mxaudit-bad-utf8-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: path) }
        try Data("version: 1\nclients:\n  - id: caf".utf8 + [0xE9] + Data("\n".utf8)).write(to: path)
        let issues = try #require(throws: InputIssues.self) { try makeLoader().load(path: path.path) }
        #expect(issues.description == "\(path.path):3:12: error: the file is not valid UTF-8")
    }
}
