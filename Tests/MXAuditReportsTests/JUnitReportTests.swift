import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import MXAuditModel
@testable import MXAuditReports
import Testing

@Suite struct JUnitReportTests {
    let input = SampleFleet.input()

    @Test func fleetAndPerClientFilesAreValidAgainstTheAntSchema() async throws {
        let directory = try ReportTestSupport.scratchDirectory("junit")
        defer { try? FileManager.default.removeItem(at: directory) }
        let fleet = directory.appendingPathComponent("mxaudit.junit.xml")
        try JUnitReportWriter.write(input, to: fleet)
        let perClient = try JUnitReportWriter.writePerClient(input, directory: directory.appendingPathComponent("clients"))
        #expect(perClient.map(\.lastPathComponent) == input.clients.map { "\($0.id).junit.xml" })
        for file in [fleet] + perClient {
            try await ReportTestSupport.expectValidJUnit(file)
        }
    }

    @Test func oneSuitePerClientWithCountsPropertiesAndStableNames() throws {
        let document = try XMLDocument(data: try JUnitReportWriter.xml(input, hostname: "audit.example.net"))
        let suites = try document.nodes(forXPath: "/testsuites/testsuite").compactMap { $0 as? XMLElement }
        #expect(suites.map { $0.attribute(forName: "name")?.stringValue } == input.clients.map(\.id))
        #expect(suites.map { $0.attribute(forName: "id")?.stringValue } == ["0", "1", "2", "3", "4"])

        let bakery = try #require(suites.first { $0.attribute(forName: "name")?.stringValue == "bakkerij-de-vries" })
        // Two domains × 5 rules; NL-STARTTLS and NL-DANE are judged over two hosts each but are one testcase.
        #expect(bakery.attribute(forName: "tests")?.stringValue == "10")
        #expect(bakery.attribute(forName: "failures")?.stringValue == "6")  // NL-DANE, NL-TLS-NCSC, NL-DMARC-POLICY on both
        #expect(bakery.attribute(forName: "errors")?.stringValue == "0")
        #expect(bakery.attribute(forName: "skipped")?.stringValue == "0")
        #expect(bakery.attribute(forName: "time")?.stringValue == "6.500")  // 3.25 s of collection per domain
        #expect(bakery.attribute(forName: "timestamp")?.stringValue == "2026-05-04T02:00:00")
        #expect(bakery.attribute(forName: "hostname")?.stringValue == "audit.example.net")
        let properties = Dictionary(uniqueKeysWithValues: try bakery.nodes(forXPath: "properties/property").compactMap { node -> (String, String)? in
            guard let element = node as? XMLElement, let name = element.attribute(forName: "name")?.stringValue else { return nil }
            return (name, element.attribute(forName: "value")?.stringValue ?? "")
        })
        #expect(properties["mxaudit.run_id"] == "42")
        #expect(properties["ruleset.nl-comply-or-explain"] == "2025.1")
        #expect(properties["ruleset.nl-comply-or-explain.verdict"] == "non_compliant")

        let dane = try #require(try bakery.nodes(forXPath: "testcase[@name='NL-DANE DANE for every MX host' and @classname='bakkerij-de-vries.bakkerij_example']").first as? XMLElement)
        let failure = try #require(dane.elements(forName: "failure").first)
        #expect(failure.attribute(forName: "type")?.stringValue == "must")
        // The worst subject decides and is named in the message; the details list every subject.
        #expect(failure.attribute(forName: "message")?.stringValue?.hasPrefix("mx1.hostedmail.example: no TLSA record matches") == true)
        #expect(failure.stringValue?.contains("[fail] mx1.hostedmail.example") == true)
        #expect(failure.stringValue?.contains("[pass] mx2.hostedmail.example") == true)
        #expect(failure.stringValue?.contains("Remediation: Renew the certificate") == true)
    }

    @Test func outcomesMapToFailureErrorAndSkipped() throws {
        let document = try XMLDocument(data: try JUnitReportWriter.xml(input))
        func element(_ classname: String, _ rule: String) throws -> XMLElement {
            try #require(try document.nodes(forXPath: "//testcase[@classname='\(classname)' and starts-with(@name, '\(rule) ')]").first as? XMLElement)
        }
        let indeterminate = try element("city-of-example.city_example", "STS-WEBPKI")
        #expect(indeterminate.elements(forName: "error").first?.attribute(forName: "type")?.stringValue == "indeterminate")
        let explained = try element("acme-gmbh.shop_acme_example", "BSI-DANE-TLSA")
        #expect(explained.elements(forName: "skipped").first?.attribute(forName: "message")?.stringValue?
            .contains("waiver: DNS host cannot publish DS records; migration ticket OPS-123, expires 2026-05-20") == true)
        let notApplicable = try element("evergreen.evergreen_example", "STS-TLSRPT")
        #expect(notApplicable.elements(forName: "skipped").first?.attribute(forName: "message")?.stringValue?.hasPrefix("not applicable:") == true)
        let pass = try element("acme-gmbh.acme_example", "BSI-DANE-TLSA")
        #expect(pass.children?.isEmpty ?? true)
        #expect(pass.attribute(forName: "time")?.stringValue == "0")
    }

    @Test func noDuplicateClassnameAndNamePairs() throws {
        let document = try XMLDocument(data: try JUnitReportWriter.xml(input))
        let pairs = try document.nodes(forXPath: "//testcase").compactMap { node -> String? in
            guard let element = node as? XMLElement else { return nil }
            return (element.attribute(forName: "classname")?.stringValue ?? "") + "|" + (element.attribute(forName: "name")?.stringValue ?? "")
        }
        #expect(!pairs.isEmpty)
        #expect(Set(pairs).count == pairs.count)
        // Names carry no values: the same rule is named the same on every domain and in every run.
        #expect(pairs.filter { $0.hasSuffix("|NL-DANE DANE for every MX host") }.count == 2)
    }

    @Test func selectedClientsOnlyAndUnknownClientsAreAnError() throws {
        let document = try XMLDocument(data: try JUnitReportWriter.xml(input, clients: ["evergreen"]))
        #expect(try document.nodes(forXPath: "/testsuites/testsuite").count == 1)
        let single = try XMLDocument(data: try JUnitReportWriter.xml(input, client: "evergreen"))
        #expect(single.rootElement()?.name == "testsuite")
        #expect(single.rootElement()?.attribute(forName: "package") == nil)
        #expect(throws: ReportError.unknownClient("nobody")) { try JUnitReportWriter.xml(input, clients: ["nobody"]) }
    }
}
