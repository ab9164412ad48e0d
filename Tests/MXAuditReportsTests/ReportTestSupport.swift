import Foundation
import MXAuditTestSupport
import Testing

/// Paths and tools the report tests share.
enum ReportTestSupport {
    static let repository = TestbedEnvironment.repositoryRoot()
    static let templates = repository.appendingPathComponent("templates")

    static var junitSchema: URL { SharedFiles.junitSchema }

    /// A fresh directory under the system's temporary directory.
    static func scratchDirectory(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mxaudit-reports-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Validates a JUnit file with `xmllint --schema` (libxml2's own validator), off the cooperative pool.
    static func expectValidJUnit(_ file: URL, sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws {
        let schema = junitSchema
        try #require(FileManager.default.fileExists(atPath: schema.path), "the Ant JUnit schema is missing at \(schema.path)",
                     sourceLocation: sourceLocation)
        let result = try await ExternalCommand.run("/usr/bin/xmllint", ["--noout", "--schema", schema.path, file.path])
        #expect(result.status == 0, "xmllint rejects \(file.lastPathComponent): \(result.standardError)", sourceLocation: sourceLocation)
    }

    /// Every tag in the page is one the templates wrote: a known element with known attributes in
    /// double quotes. An attribute breakout or an injected element shows up as an unknown name.
    static func expectOnlyTemplateMarkup(_ html: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let elements: Set<String> = ["html", "head", "meta", "title", "style", "body", "header", "div", "span", "a", "main", "h1", "h2",
                                     "h3", "h4", "p", "small", "b", "br", "table", "tr", "th", "td", "section", "details", "summary",
                                     "pre", "footer", "svg", "polyline", "circle"]
        let attributes: Set<String> = ["lang", "charset", "http-equiv", "content", "name", "class", "id", "href", "title", "style",
                                       "colspan", "xmlns", "width", "height", "viewBox", "role", "aria-label", "points", "cx", "cy", "r"]
        let tag = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z-]+="[^"<>]*")*)\s*\/?>/
        let attribute = /([a-zA-Z-]+)="([^"]*)"/
        var rest = Substring(html)
        guard let doctype = rest.range(of: "<!DOCTYPE html>") else { Issue.record("no doctype", sourceLocation: sourceLocation); return }
        rest = rest[doctype.upperBound...]
        while let open = rest.firstIndex(of: "<") {
            guard let match = rest[open...].prefixMatch(of: tag) else {
                Issue.record("markup the templates did not write: \(rest[open...].prefix(80))", sourceLocation: sourceLocation)
                return
            }
            #expect(elements.contains(String(match.output.2)), "element \(match.output.2)", sourceLocation: sourceLocation)
            for pair in match.output.3.matches(of: attribute) {
                #expect(attributes.contains(String(pair.output.1)), "attribute \(pair.output.1)", sourceLocation: sourceLocation)
                if pair.output.1 == "href" {
                    #expect(pair.output.2.hasSuffix(".html") || pair.output.2.hasPrefix("#domain-"), "href \(pair.output.2)",
                            sourceLocation: sourceLocation)
                }
            }
            rest = rest[match.range.upperBound...]
        }
    }
}
