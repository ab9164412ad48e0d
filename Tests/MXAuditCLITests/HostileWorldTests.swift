import Foundation
import MXAuditTestSupport
import Testing

/// Issue 11's acceptance for hostile input: a real `mxaudit audit` of every hostile-* scenario of
/// the testbed (docs/testbed.md) through the hostile resolver, next to well-behaved domains. The
/// servers stall, flood and lie on purpose; the audit must end within its budget, say for every
/// affected check why it could not decide, leave the other domains exactly as an audit of them
/// alone sees them, and write reports in which nothing hostile survives unescaped.
@Suite("an audit of the hostile testbed", .serialized)
struct HostileWorldTests {
    static let steady = ["dane-ee.example", "sts-enforce.example", "null-mx.example", "hosted-dane-1.example"]
    static let rulesets = ["mta-sts-baseline", "bsi-tr-03108"]
    /// --timeout: every network operation gets this long, however slowly the peer trickles.
    static let timeout = 5

    /// The result messages that name the cause, per hostile domain: the rule whose result is read,
    /// the outcomes accepted, and a phrase of the reason.
    static let causes: [String: (rule: String, outcomes: Set<String>, reason: String)] = [
        "hostile-policy-huge.example": ("STS-POLICY-FETCHED", ["indeterminate"], "larger than 65536 bytes"),
        "hostile-policy-endless.example": ("STS-POLICY-FETCHED", ["indeterminate"], "larger than 65536 bytes"),
        "hostile-policy-trickle.example": ("STS-POLICY-FETCHED", ["indeterminate"], "timed out"),
        "hostile-dns-garbage.example": ("STS-MX-RECORDS", ["indeterminate"], "bytes that are no DNS message"),
        "hostile-dns-truncated.example": ("STS-MX-RECORDS", ["indeterminate"], "closed the TCP connection mid-answer"),
        "hostile-dns-wrong-id.example": ("STS-MX-RECORDS", ["indeterminate"], "an answer with message ID"),
        "hostile-dns-wrong-question.example": ("STS-MX-RECORDS", ["indeterminate"], "an answer to hostile-dns-wrong-question.example/"),
        "hostile-smtp-trickle.example": ("STS-MX-STARTTLS", ["indeterminate"], "greeting was still incomplete at the timeout"),
        // The server itself cannot do TLS (it sends noise after its 220): a sender fails too.
        "hostile-smtp-tls-garbage.example": ("STS-MX-STARTTLS", ["fail", "indeterminate"], "TLS handshake"),
        "hostile-smtp-ehlo-flood.example": ("STS-MX-STARTTLS", ["indeterminate"], "more than 100 lines"),
    ]

    @Test func theAuditEndsInItsBudgetNamesEveryCauseAndEscapesEverything() async throws {
        let world = try HostileWorld()
        defer { world.remove() }
        let hostile = try world.hostileDomains()
        #expect(Set(Self.causes.keys).isSubset(of: hostile), "a hostile scenario this test reads is gone: \(hostile)")
        try world.writeInventory("all.yaml", hostile: hostile, steady: Self.steady)
        try world.writeInventory("steady.yaml", hostile: [], steady: Self.steady)

        let out = world.directory.appendingPathComponent("reports")
        let junit = world.directory.appendingPathComponent("mxaudit.junit.xml")
        let began = ContinuousClock.now
        let audit = try await mxaudit(world.auditArguments("all.yaml", database: "hostile.sqlite", resolver: try world.hostileResolver())
                                      + ["--out", out.path, "--junit", junit.path, "--format", "json"])
        let elapsed = ContinuousClock.now - began
        #expect(audit.status == 1, "the gate fails (indeterminate must results): \(audit.standardError)")
        #expect(audit.standardError.contains("run 1 complete: \(hostile.count + Self.steady.count) domains"), "\(audit.standardError)")

        // The budget, structurally: one greeting alone would take longer than the whole audit did
        // (it trickles at one byte per second), and two policies never end at all.
        let greeting = "220 mx1.hostile-smtp-trickle.example ESMTP trickling\r\n".utf8.count
        #expect(elapsed < .seconds(greeting * 3 / 4), "the audit took \(elapsed); a trickling greeting takes \(greeting) s")

        let report = try HostileWorld.domains(in: audit.standardOutput)
        for (domain, cause) in Self.causes {
            let results = try #require(report[domain], "\(domain) is missing from the JSON report")
            let read = results.filter { $0.ruleID == cause.rule }
            #expect(!read.isEmpty, "\(domain): no \(cause.rule) result")
            for result in read {
                #expect(cause.outcomes.contains(result.outcome) && result.message.contains(cause.reason),
                        "\(domain) \(result.ruleID) \(result.subject): \(result.outcome): \(result.message)")
            }
        }
        // A resolver that lies shows nothing of the domain: no check of it passes.
        for domain in hostile where domain.hasPrefix("hostile-dns-") {
            let passed = (report[domain] ?? []).filter { $0.outcome == "pass" }
            #expect(passed.isEmpty, "\(domain) passed \(passed.map(\.ruleID)) through a broken resolver")
        }
        try Self.expectHostileTextKeptWhole(report)
        try Self.expectLargeRecordsRead(audit.standardOutput)

        // The well-behaved domains, audited alone through the testbed's own resolver, read the same.
        let alone = try await mxaudit(world.auditArguments("steady.yaml", database: "steady.sqlite", resolver: world.testbed.resolver)
                                      + ["--format", "json"])
        #expect(alone.status == 0 || alone.status == 1, "\(alone.standardError)")
        let aloneReport = try HostileWorld.domains(in: alone.standardOutput)
        for domain in Self.steady {
            #expect(report[domain].map(Set.init) == aloneReport[domain].map(Set.init), "\(domain) differs next to the hostile domains")
        }

        try await Self.expectReportsEscaped(out: out, junit: junit)
    }

    /// Markup, escapes, NUL and invalid UTF-8 reach the stored results whole (nothing after a NUL
    /// is lost) and the odd MX host name is probed like any other.
    static func expectHostileTextKeptWhole(_ report: [String: [HostileWorld.Result]]) throws {
        let results = try #require(report["hostile-text.example"])
        let record = try #require(results.first { $0.ruleID == "STS-RECORD" })
        #expect(record.outcome == "fail" && record.message.contains("id \"<script>alert('id')</script>\u{1b}[2J\\u{0}\u{202e}\u{FFFD}\""),
                "the id is quoted whole, a NUL as \\u{0}: \(record.message)")
        let refused = try #require(results.first { $0.ruleID == "STS-MX-STARTTLS" && $0.subject.hasPrefix("mx2.hostile-text.example") })
        #expect(refused.outcome == "indeterminate" && refused.message.contains("554 5.7.1 <script>alert(\"mxaudit\")</script>"),
                "the refusal is quoted: \(refused.message)")
        let oddHost = #"<script>x</script>\027[5m\000\226\128\174\255.hostile-text.example"#
        #expect(results.contains { $0.ruleID == "STS-MX-STARTTLS" && $0.subject.hasPrefix(oddHost + " ") && $0.outcome == "pass" },
                "the MX host with odd bytes in its name was probed: \(results.map(\.subject))")
    }

    /// TXT RRsets near the 64 KiB message limit come back whole (over TCP) and are parsed within bounds.
    static func expectLargeRecordsRead(_ json: String) throws {
        let evidence = try #require(try HostileWorld.evidence(of: "hostile-txt-huge.example", in: json))
        let spf = try #require(((evidence["spf"] as? [String: Any])?["txt"] as? [String: Any])?["value"] as? [String: Any])
        let spfText = ((spf["records"] as? [[String: Any]])?.first?["text"] as? String) ?? ""
        #expect(spfText.utf8.count > 59_000 && spfText.hasSuffix("-all"), "the 60 KB SPF record arrived cut: \(spfText.utf8.count) bytes")
        let sts = try #require(((evidence["mtaSTS"] as? [String: Any])?["txt"] as? [String: Any])?["value"] as? [String: Any])
        #expect((sts["records"] as? [Any])?.count == 2, "\(sts)")
        let policy = (evidence["mtaSTS"] as? [String: Any])?["policy"] as? [String: Any]
        #expect(policy?["status"] as? String == "present", "the policy behind the large TXT RRset was fetched: \(policy ?? [:])")
    }

    /// HTML: not one tag, control character, bidi override or noncharacter from the world; the
    /// hostile text is there, escaped. JUnit: valid against the Ant schema, no C0 characters.
    static func expectReportsEscaped(out: URL, junit: URL) async throws {
        let pages = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".html") }
        #expect(Set(pages) == ["index.html", "hostile.html", "steady.html"], "\(pages)")
        for page in pages {
            let html = try String(contentsOf: out.appendingPathComponent(page), encoding: .utf8)
            for tag in ["<script", "<img", "testbed <b>hostile", "<svg"] { #expect(!html.lowercased().contains(tag), "\(page) holds \(tag)") }
            #expect(!html.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || (0x7F...0x9F).contains($0.value)
                || $0 == "\u{202e}" || $0 == "\u{FFFE}" || $0 == "\u{FFFF}" }, "\(page) holds a raw control character")
            if page == "hostile.html" {
                #expect(html.contains("&lt;script&gt;alert(") && html.contains(#"\u{1b}["#), "the hostile text is shown, escaped")
            }
        }
        let schema = SharedFiles.junitSchema.path
        try #require(FileManager.default.fileExists(atPath: schema), "the Ant JUnit schema is missing at \(schema)")
        let lint = try await ExternalCommand.run("/usr/bin/xmllint", ["--noout", "--schema", schema, junit.path])
        #expect(lint.status == 0, "\(lint.standardError)")
        let xml = try Data(contentsOf: junit)
        #expect(!xml.contains { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D })
        #expect(!String(decoding: xml, as: UTF8.self).contains("<script"))
    }
}

/// A scratch directory for audits of the hostile testbed, and readers of the JSON report.
struct HostileWorld {
    let scratch: AuditScratch
    var directory: URL { scratch.directory }
    var testbed: TestbedEnvironment { scratch.testbed }

    init() throws { scratch = try AuditScratch(clients: []) }

    func remove() { scratch.remove() }

    /// The testbed's hostile resolver (`MXAUDIT_HOSTILE_RESOLVER` in the env file).
    func hostileResolver() throws -> String {
        let env = try String(contentsOfFile: testbed.directory + "/env", encoding: .utf8)
        let line = env.split(separator: "\n").first { $0.hasPrefix("MXAUDIT_HOSTILE_RESOLVER=") }
        return String(try #require(line, "MXAUDIT_HOSTILE_RESOLVER is missing from \(testbed.directory)/env (run scripts/testbed up)")
            .dropFirst("MXAUDIT_HOSTILE_RESOLVER=".count))
    }

    /// Every hostile-* scenario (catalogue.json lists them apart, under `hostile`).
    func hostileDomains() throws -> [String] {
        let entries = try #require(try testbed.catalogueJSON()["hostile"] as? [[String: Any]], "the catalogue has no hostile domains")
        return entries.compactMap { $0["name"] as? String }
    }

    /// Two clients: every hostile domain (hostile-text.example with its hostile DKIM selector too)
    /// and the well-behaved ones.
    func writeInventory(_ name: String, hostile: [String], steady: [String]) throws {
        func entry(_ domain: String) -> String {
            domain == "hostile-text.example" ? "      - {name: \(domain), dkim_selectors: [sel1, evil]}\n" : "      - \(domain)\n"
        }
        var text = "version: 1\nclients:\n"
        for (id, domains) in [("hostile", hostile), ("steady", steady)] where !domains.isEmpty {
            text += "  - id: \(id)\n    rulesets: [\(HostileWorldTests.rulesets.joined(separator: ", "))]\n    domains:\n"
                + domains.map(entry).joined()
        }
        try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    func auditArguments(_ inventory: String, database: String, resolver: String) -> [String] {
        ["audit", "--inventory", directory.appendingPathComponent(inventory).path, "--db", directory.appendingPathComponent(database).path,
         "--quiet", "--timeout", String(HostileWorldTests.timeout), "--resolver", resolver,
         "--trust-anchor", testbed.trustAnchor, "--ca-file", testbed.caFile]
    }

    struct Result: Hashable {
        var ruleID: String
        var subject: String
        var outcome: String
        var message: String
    }

    /// `--format json` output: domain → its results.
    static func domains(in json: String) throws -> [String: [Result]] {
        var domains: [String: [Result]] = [:]
        for domain in try documents(json) {
            let name = try #require(domain["domain"] as? String)
            domains[name] = (domain["results"] as? [[String: Any]] ?? []).map {
                Result(ruleID: $0["ruleID"] as? String ?? "", subject: $0["subject"] as? String ?? "",
                       outcome: $0["outcome"] as? String ?? "", message: $0["message"] as? String ?? "")
            }
        }
        return domains
    }

    static func evidence(of name: String, in json: String) throws -> [String: Any]? {
        try documents(json).first { $0["domain"] as? String == name }?["evidence"] as? [String: Any]
    }

    private static func documents(_ json: String) throws -> [[String: Any]] {
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any], "the JSON report does not parse")
        let clients = try #require(report["clients"] as? [[String: Any]])
        return clients.flatMap { $0["domains"] as? [[String: Any]] ?? [] }
    }
}
