import Foundation
import MXAuditModel
@testable import MXAuditReports
import Testing

/// `--templates DIR`: a user's own templates replace the shipped ones; problems name the file.
@Suite struct TemplateSetTests {
    @Test func ownTemplatesAreUsedWithTheShippedPartials() throws {
        let directory = try ReportTestSupport.scratchDirectory("templates")
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["style", "sparkline"] {
            try FileManager.default.copyItem(at: ReportTestSupport.templates.appendingPathComponent("\(name).mustache"),
                                             to: directory.appendingPathComponent("\(name).mustache"))
        }
        try "<h1>Acme MSP: {{name}} is {{verdict.title}}</h1>{{#domains}}<p>{{name}}</p>{{/domains}}"
            .write(to: directory.appendingPathComponent("client.mustache"), atomically: true, encoding: .utf8)
        try "{{#clients}}{{rank}}. {{id}} {{/clients}}".write(to: directory.appendingPathComponent("fleet.mustache"), atomically: true, encoding: .utf8)
        let input = SampleFleet.input()
        #expect(try HTMLReportWriter.clientPage(input, client: "evergreen", templates: directory)
            == "<h1>Acme MSP: Evergreen Logistics is Compliant</h1><p>evergreen.example</p>")
        #expect(try HTMLReportWriter.fleetPage(input, templates: directory)
            == "1. bakkerij-de-vries 2. dental-care 3. acme-gmbh 4. city-of-example 5. evergreen ")
    }

    @Test func missingTemplateAndSyntaxErrorsNameTheFile() throws {
        let directory = try ReportTestSupport.scratchDirectory("broken")
        defer { try? FileManager.default.removeItem(at: directory) }
        try "ok".write(to: directory.appendingPathComponent("fleet.mustache"), atomically: true, encoding: .utf8)
        #expect(throws: ReportError.templateMissing(name: "client", directory: directory.resolvingSymlinksInPath().path)) {
            try HTMLReportWriter.fleetPage(SampleFleet.input(), templates: directory)
        }
        try "ok".write(to: directory.appendingPathComponent("client.mustache"), atomically: true, encoding: .utf8)
        try "{{#domains}}".write(to: directory.appendingPathComponent("fleet.mustache"), atomically: true, encoding: .utf8)
        do {
            _ = try HTMLReportWriter.fleetPage(SampleFleet.input(), templates: directory)
            Issue.record("an unclosed section must be an error")
        } catch let error as ReportError {
            guard case .templateSyntax(let file, let line, _, _) = error else { Issue.record("unexpected \(error)"); return }
            #expect(file.hasSuffix("/fleet.mustache"))
            #expect(line == 1)
        }
    }
}
