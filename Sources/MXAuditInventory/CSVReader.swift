import MXAuditModel

/// One CSV field and where it starts.
struct CSVField {
    var text: String
    var line: Int
    var column: Int
}

/// RFC 4180 CSV: commas, double-quoted fields with "" escapes, CRLF or LF line ends.
/// Tracks each field's line and column so that errors can point at it.
enum CSVReader {
    struct SyntaxError: Error {
        var line: Int
        var column: Int
        var message: String
    }

    static func rows(_ text: String) throws(SyntaxError) -> [[CSVField]] {
        var rows: [[CSVField]] = []
        var row: [CSVField] = []
        var field = ""
        var fieldLine = 1, fieldColumn = 1
        var line = 1, column = 1
        var inQuotes = false
        var quotedFieldEnded = false
        var characters = Array(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)
        if characters.last != "\n" { characters.append("\n") }
        var index = 0

        func finishField() {
            row.append(CSVField(text: field, line: fieldLine, column: fieldColumn))
            field = ""
            quotedFieldEnded = false
        }

        while index < characters.count {
            let character = characters[index]
            if inQuotes {
                if character == "\"" {
                    if index + 1 < characters.count, characters[index + 1] == "\"" {
                        field.append("\"")
                        index += 1
                        column += 1
                    } else {
                        inQuotes = false
                        quotedFieldEnded = true
                    }
                } else {
                    field.append(character)
                    if character == "\n" || character == "\r\n" { line += 1; column = 0 }
                }
            } else {
                switch character {
                case ",":
                    finishField()
                    fieldLine = line
                    fieldColumn = column + 1
                case "\n", "\r\n", "\r":
                    finishField()
                    if !(row.count == 1 && row[0].text.isEmpty) { rows.append(row) }
                    row = []
                    line += 1
                    column = 0
                    fieldLine = line
                    fieldColumn = 1
                case "\"":
                    guard field.isEmpty, !quotedFieldEnded else {
                        throw SyntaxError(line: line, column: column, message: "a quote inside an unquoted field; quote the whole field and double inner quotes")
                    }
                    inQuotes = true
                default:
                    guard !quotedFieldEnded else {
                        throw SyntaxError(line: line, column: column, message: "text after a closing quote; put a comma after the quoted field")
                    }
                    field.append(character)
                }
            }
            index += 1
            column += 1
        }
        if inQuotes { throw SyntaxError(line: fieldLine, column: fieldColumn, message: "a quoted field is never closed") }
        return rows
    }

    /// Quotes a field when it needs it.
    static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

import Foundation
