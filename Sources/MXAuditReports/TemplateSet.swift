import Foundation
import Mustache

/// The Mustache templates of a templates directory (`--templates DIR`): every `*.mustache` file,
/// named by its path without the extension, so templates can include each other as partials.
/// Loaded synchronously so that a template error names its file, line and column.
struct TemplateSet {
    static let required = ["client", "fleet"]

    private let library: MustacheLibrary

    init(directory: URL) throws {
        var templates: [String: MustacheTemplate] = [:]
        // Resolved, so that a templates directory given as a symlink is read, not skipped.
        let root = directory.resolvingSymlinksInPath().path
        let files = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
        for file in files.sorted() where file.hasSuffix(".mustache") {
            let path = root + "/" + file
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw ReportError.templateSyntax(file: path, line: 1, column: 1, message: "cannot read the template: \(error.localizedDescription)")
            }
            do {
                templates[String(file.dropLast(".mustache".count))] = try MustacheTemplate(string: text)
            } catch let error as MustacheTemplate.ParserError {
                throw ReportError.templateSyntax(file: path, line: error.context.lineNumber, column: error.context.columnNumber,
                                                 message: "\(error.error)")
            }
        }
        for name in Self.required where templates[name] == nil {
            throw ReportError.templateMissing(name: name, directory: root)
        }
        library = MustacheLibrary(templates: templates)
    }

    func render(_ page: Any, with name: String) -> String {
        // Both names are checked in init, so the library always has the template.
        library.render(TemplateContext.make(page), withTemplate: name) ?? ""
    }
}
