import MXAuditModel

/// Finds where a character of a YAML scalar's value stands in the file, so that an error inside
/// an expression names the line and column of the offending token, whatever the scalar's style
/// (plain, quoted, literal `|` or folded `>`, one line or several).
///
/// Folding and indentation only change whitespace, so the value's non-blank characters appear in
/// the file in the same order: they are matched one by one from the scalar's start (escapes in
/// quoted scalars are skipped over the same way).
struct ScalarSourceMap {
    private let lines: [[Unicode.Scalar]]

    init(text: String) {
        lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map(Array.init)
    }

    /// - Parameters:
    ///   - start: where the scalar node starts (its first character, quote or block indicator).
    ///   - offset: the character of `value` (in Unicode scalars) to find.
    func location(of offset: Int, in value: String, startingAt start: SourceLocation) -> SourceLocation {
        var position = (line: start.line - 1, column: start.column - 1)
        guard let first = character(at: position) else { return start }
        switch first {
        case "\"", "'": position.column += 1
        case "|", ">": position = (position.line + 1, 0)
        default: break
        }
        let characters = Array(value.unicodeScalars)
        for index in 0..<min(offset, characters.count) where !characters[index].properties.isWhitespace {
            guard let found = find(characters[index], from: position) else { return start }
            position = (found.line, found.column + 1)
        }
        if offset < characters.count, !characters[offset].properties.isWhitespace,
           let found = find(characters[offset], from: position) {
            position = found
        }
        return SourceLocation(file: start.file, line: position.line + 1, column: position.column + 1)
    }

    private func character(at position: (line: Int, column: Int)) -> Unicode.Scalar? {
        guard position.line < lines.count, position.column < lines[position.line].count else { return nil }
        return lines[position.line][position.column]
    }

    private func find(_ wanted: Unicode.Scalar, from start: (line: Int, column: Int)) -> (line: Int, column: Int)? {
        var (line, column) = start
        while line < lines.count {
            while column < lines[line].count {
                if lines[line][column] == wanted { return (line, column) }
                column += 1
            }
            line += 1
            column = 0
        }
        return nil
    }
}
