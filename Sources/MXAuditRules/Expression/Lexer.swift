/// A problem in an expression at an offset (in Unicode scalars from the expression's start), later
/// turned into file:line:column inside the YAML value.
struct ExpressionError: Error, Sendable, Equatable {
    var offset: Int
    var message: String
}

struct Token: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case identifier(String)
        case integer(Int)
        case string(String)
        /// Operators and punctuation: `==` `!=` `<` `<=` `>` `>=` `(` `)` `[` `]` `,` `.` `-`.
        case symbol(String)
        case end
    }

    var kind: Kind
    var offset: Int

    var display: String {
        switch kind {
        case .identifier(let name): return "'\(name)'"
        case .integer(let value): return "'\(value)'"
        case .string(let value): return "the string \"\(value)\""
        case .symbol(let symbol): return "'\(symbol)'"
        case .end: return "the end of the expression"
        }
    }
}

/// Splits an expression into tokens. Strings are quoted with '…' or "…" (a backslash escapes the
/// next character); words are letters, digits and `_`.
enum Lexer {
    static let maximumLength = 4096

    static func tokens(_ text: String) throws(ExpressionError) -> [Token] {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count <= maximumLength else {
            throw ExpressionError(offset: 0, message: "the expression is longer than \(maximumLength) characters")
        }
        var tokens: [Token] = []
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar.properties.isWhitespace {
                index += 1
                continue
            }
            let start = index
            if isWordStart(scalar) {
                while index < scalars.count, isWordPart(scalars[index]) { index += 1 }
                tokens.append(Token(kind: .identifier(String(String.UnicodeScalarView(scalars[start..<index]))), offset: start))
            } else if ("0"..."9").contains(scalar) {
                while index < scalars.count, ("0"..."9").contains(scalars[index]) { index += 1 }
                let digits = String(String.UnicodeScalarView(scalars[start..<index]))
                guard let value = Int(digits) else { throw ExpressionError(offset: start, message: "the number \(digits) is too large") }
                if index < scalars.count, isWordStart(scalars[index]) {
                    throw ExpressionError(offset: index, message: "a number must not run into a name; add a space or an operator")
                }
                tokens.append(Token(kind: .integer(value), offset: start))
            } else if scalar == "\"" || scalar == "'" {
                tokens.append(Token(kind: .string(try string(scalars, at: &index)), offset: start))
            } else if let symbol = symbol(scalars, at: index) {
                index += symbol.unicodeScalars.count
                tokens.append(Token(kind: .symbol(symbol), offset: start))
            } else {
                var message = "unexpected character '\(scalar)'"
                if scalar == "&" || scalar == "|" || scalar == "!" { message += "; write 'and', 'or' and 'not'" }
                if scalar == "=" { message += "; compare with '=='" }
                throw ExpressionError(offset: start, message: message)
            }
        }
        tokens.append(Token(kind: .end, offset: scalars.count))
        return tokens
    }

    private static func isWordStart(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }

    private static func isWordPart(_ scalar: Unicode.Scalar) -> Bool {
        isWordStart(scalar) || ("0"..."9").contains(scalar)
    }

    private static func string(_ scalars: [Unicode.Scalar], at index: inout Int) throws(ExpressionError) -> String {
        let quote = scalars[index]
        let start = index
        index += 1
        var value = String.UnicodeScalarView()
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == quote {
                index += 1
                return String(value)
            }
            if scalar == "\\", index + 1 < scalars.count {
                index += 1
            }
            value.append(scalars[index])
            index += 1
        }
        throw ExpressionError(offset: start, message: "this string has no closing \(quote)")
    }

    private static func symbol(_ scalars: [Unicode.Scalar], at index: Int) -> String? {
        let next = index + 1 < scalars.count ? scalars[index + 1] : nil
        switch scalars[index] {
        case "=" where next == "=": return "=="
        case "!" where next == "=": return "!="
        case "<": return next == "=" ? "<=" : "<"
        case ">": return next == "=" ? ">=" : ">"
        case "(", ")", "[", "]", ",", ".", "-": return String(scalars[index])
        default: return nil
        }
    }
}
