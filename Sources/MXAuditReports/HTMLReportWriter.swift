import Foundation
import MXAuditModel

/// Self-contained HTML reports (inline CSS and SVG, no scripts, nothing fetched): one page per
/// client, `<out>/<client>.html`, and the fleet overview, `<out>/index.html`. The look is the
/// templates' (`templates/` or the user's `--templates DIR`); the view models are documented in
/// docs/reports.md.
public enum HTMLReportWriter {
    /// Writes every client's page (or the named clients') and the fleet overview; returns the files written.
    @discardableResult
    public static func write(_ input: ReportInput, templates: URL, to directory: URL, clients: [String]? = nil) throws -> [URL] {
        let set = try TemplateSet(directory: templates)
        var written: [URL] = []
        for client in try input.clients(clients) {
            let file = directory.appendingPathComponent(ReportFileName.page(client.id))
            let page = ClientPage(input: input, client: client, evidence: try input.evidence(ofClient: client))
            try ReportFiles.write(Data(set.render(page, with: "client").utf8), to: file)
            written.append(file)
        }
        let index = directory.appendingPathComponent("index.html")
        try ReportFiles.write(Data(set.render(FleetPage(input: input), with: "fleet").utf8), to: index)
        written.append(index)
        return written
    }

    /// One client's page as text.
    public static func clientPage(_ input: ReportInput, client id: String, templates: URL) throws -> String {
        let client = try input.clients([id])[0]
        let page = ClientPage(input: input, client: client, evidence: try input.evidence(ofClient: client))
        return try TemplateSet(directory: templates).render(page, with: "client")
    }

    /// The fleet overview as text.
    public static func fleetPage(_ input: ReportInput, templates: URL) throws -> String {
        try TemplateSet(directory: templates).render(FleetPage(input: input), with: "fleet")
    }
}
