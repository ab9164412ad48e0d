import Foundation
import MXAuditModel

/// JUnit XML for CI systems (GitLab, Jenkins, Azure DevOps), valid against the Ant JUnit schema:
/// one `<testsuite>` per client, one `<testcase>` per (domain, rule). docs/reports.md describes
/// the mapping.
public enum JUnitReportWriter {
    /// The fleet document: `<testsuites>` with one `<testsuite>` per client (every client, or the named ones).
    public static func xml(_ input: ReportInput, clients: [String]? = nil, hostname: String = localHostname) throws -> Data {
        var data = Data()
        try document(input, clients: clients, hostname: hostname) { data.append($0) }
        return data
    }

    /// The fleet document piece by piece: one client's suite is in memory at a time.
    private static func document(_ input: ReportInput, clients: [String]?, hostname: String,
                                 emit: (Data) throws -> Void) throws {
        try emit(Data((declaration + "<testsuites>\n").utf8))
        for (index, client) in try input.clients(clients).enumerated() {
            let suite = JUnitSuite(input: input, client: client, evidence: try input.evidence(ofClient: client),
                                   hostname: hostname).element()
            suite.addAttribute("package", client.id)
            suite.addAttribute("id", String(index))
            try emit(Data(suite.serialised(indent: 1).utf8))
        }
        try emit(Data("</testsuites>\n".utf8))
    }

    /// One client's document, with its `<testsuite>` as the root.
    public static func xml(_ input: ReportInput, client id: String, hostname: String = localHostname) throws -> Data {
        let client = try input.clients([id])[0]
        let suite = JUnitSuite(input: input, client: client, evidence: try input.evidence(ofClient: client),
                               hostname: hostname).element()
        return Data((declaration + suite.serialised()).utf8)
    }

    /// Writes the fleet document (`--junit FILE`).
    public static func write(_ input: ReportInput, to file: URL, clients: [String]? = nil) throws {
        try ReportFiles.stream(to: file) { emit in try document(input, clients: clients, hostname: localHostname, emit: emit) }
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

    private static let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
}
