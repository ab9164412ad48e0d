import Foundation
import MXAuditModel

/// A `RunDiff` as plain text, Markdown or JSON. Diffs quote text from the network (rule messages,
/// certificate names, MX names): the text and Markdown forms pass every cell through `safe`
/// (the CLI gives `TerminalText.safe`), and Markdown escapes its own syntax on top.
public enum DiffRenderer {
    public static func text(_ diff: RunDiff, safe: (String) -> String) -> String {
        var lines: [String] = []
        for block in DiffOutline.blocks(diff) {
            switch block {
            case .heading(let level, let text):
                if !lines.isEmpty { lines.append("") }
                let title = safe(text)
                lines.append(level == 3 ? "  " + title : title)
                if level < 3 { lines.append(String(repeating: level == 1 ? "=" : "-", count: title.count)) }
            case .paragraph(let text):
                lines.append(safe(text))
            case .table(_, let rows):
                let cells = rows.map { $0.map(safe) }
                let widths = (0..<(cells.first?.count ?? 0)).map { column in
                    min(40, cells.map { $0[column].count }.max() ?? 0)
                }
                for row in cells {
                    let padded = row.enumerated().map { index, cell in
                        index == row.count - 1 ? cell : cell.padding(toLength: max(widths[index], cell.count), withPad: " ", startingAt: 0)
                    }
                    lines.append("    " + padded.joined(separator: "  "))
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func markdown(_ diff: RunDiff, safe: (String) -> String) -> String {
        func cell(_ text: String) -> String {
            var escaped = ""
            for character in safe(text) {
                switch character {
                case "\\", "`", "*", "_", "|", "[", "]", "#": escaped += "\\\(character)"
                case "<": escaped += "&lt;"
                case ">": escaped += "&gt;"
                case "&": escaped += "&amp;"
                case "\n", "\r": escaped += " "
                default: escaped.append(character)
                }
            }
            return escaped
        }
        var parts: [String] = []
        for block in DiffOutline.blocks(diff) {
            switch block {
            case .heading(let level, let text):
                parts.append(String(repeating: "#", count: level) + " " + cell(text))
            case .paragraph(let text):
                parts.append(cell(text))
            case .table(let columns, let rows):
                let header = "| " + columns.map(cell).joined(separator: " | ") + " |"
                let rule = "|" + columns.map { _ in " --- |" }.joined()
                parts.append(([header, rule] + rows.map { "| " + $0.map(cell).joined(separator: " | ") + " |" }).joined(separator: "\n"))
            }
        }
        return parts.joined(separator: "\n\n") + "\n"
    }

    /// Sorted keys, ISO 8601 dates: the evidence's JSON conventions.
    public static func json(_ diff: RunDiff) throws -> Data {
        let encoder = DomainEvidence.makeEncoder()
        encoder.outputFormatting.insert(.prettyPrinted)
        return try encoder.encode(diff) + Data("\n".utf8)
    }
}
