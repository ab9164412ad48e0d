import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import MXAuditModel

/// JUnit XML for CI systems (GitLab, Jenkins, Azure DevOps), valid against the Ant JUnit schema and
/// written with libxml2 (FoundationXML): one `<testsuite>` per client, one `<testcase>` per
/// (domain, rule). docs/reports.md describes the mapping.
public enum JUnitReportWriter {
    /// The fleet document: `<testsuites>` with one `<testsuite>` per client (every client, or the named ones).
    public static func xml(_ input: ReportInput, clients: [String]? = nil, hostname: String = localHostname) throws -> Data {
        let root = XMLElement(name: "testsuites")
        for (index, client) in try input.clients(clients).enumerated() {
            let suite = JUnitSuite(input: input, client: client, hostname: hostname).element()
            suite.addAttribute(attribute("package", client.id))
            suite.addAttribute(attribute("id", String(index)))
            root.addChild(suite)
        }
        return serialise(root)
    }

    /// One client's document, with its `<testsuite>` as the root.
    public static func xml(_ input: ReportInput, client id: String, hostname: String = localHostname) throws -> Data {
        let client = try input.clients([id])[0]
        return serialise(JUnitSuite(input: input, client: client, hostname: hostname).element())
    }

    /// Writes the fleet document (`--junit FILE`).
    public static func write(_ input: ReportInput, to file: URL, clients: [String]? = nil) throws {
        try ReportFiles.write(try xml(input, clients: clients), to: file)
    }

    /// Writes `<directory>/<client>.junit.xml` for each client (every client, or the named ones).
    @discardableResult
    public static func writePerClient(_ input: ReportInput, directory: URL, clients: [String]? = nil) throws -> [URL] {
        try input.clients(clients).map { client in
            let file = directory.appendingPathComponent(ReportFileName.stem(client.id) + ".junit.xml")
            try ReportFiles.write(try xml(input, client: client.id), to: file)
            return file
        }
    }

    /// This machine's name as the kernel has it (no DNS lookup), or "localhost" as the schema asks.
    public static var localHostname: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "localhost" : name
    }

    static func attribute(_ name: String, _ value: String) -> XMLNode {
        // swift-corelibs-foundation returns Any here; it is always an XMLNode.
        XMLNode.attribute(withName: name, stringValue: value) as! XMLNode
    }

    private static func serialise(_ root: XMLElement) -> Data {
        let document = XMLDocument(rootElement: root)
        document.version = "1.0"
        document.characterEncoding = "UTF-8"
        return document.xmlData(options: [.nodePrettyPrint])
    }
}
