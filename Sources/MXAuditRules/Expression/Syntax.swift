/// An expression as written, before type checking: every node keeps its offset for messages.
struct Syntax: Sendable {
    indirect enum Kind: Sendable {
        case integer(Int)
        case string(String)
        case boolean(Bool)
        case null
        case name(String)
        case member(Syntax, String)
        case index(Syntax, Syntax)
        case call(String, [Syntax])
        /// `all(NAME in LIST, BODY)` and its kin `any`, `count`, `filter`, `map`.
        case quantifier(String, variable: String, collection: Syntax, body: Syntax)
        case not(Syntax)
        /// `and`, `or`.
        case logical(String, Syntax, Syntax)
        /// `==`, `!=`, `<`, `<=`, `>`, `>=`.
        case comparison(String, Syntax, Syntax)
        case membership(Syntax, Syntax, negated: Bool)
        case list([Syntax])
    }

    let kind: Kind
    let offset: Int
}

/// Recursive descent over the tokens. Precedence, loosest first: `or`, `and`, `not`, comparisons
/// and `in`, then `.field`, `[key]` and calls.
struct Parser {
    static let quantifiers: Set<String> = ["all", "any", "count", "filter", "map"]
    static let keywords: Set<String> = ["and", "or", "not", "in", "true", "false", "null"]
    static let maximumDepth = 64

    private let tokens: [Token]
    private var position = 0
    private var depth = 0

    static func parse(_ text: String) throws(ExpressionError) -> Syntax {
        var parser = Parser(tokens: try Lexer.tokens(text))
        if case .end = parser.current.kind {
            throw ExpressionError(offset: 0, message: "the expression is empty")
        }
        let syntax = try parser.expression()
        guard case .end = parser.current.kind else {
            throw ExpressionError(offset: parser.current.offset,
                                  message: "unexpected \(parser.current.display) after a complete expression; join conditions with 'and' or 'or'")
        }
        return syntax
    }

    private init(tokens: [Token]) { self.tokens = tokens }

    private var current: Token { tokens[position] }
    private var nextToken: Token { tokens[min(position + 1, tokens.count - 1)] }

    private mutating func advance() -> Token {
        let token = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    private func isWord(_ word: String, _ token: Token? = nil) -> Bool {
        if case .identifier(word) = (token ?? current).kind { return true }
        return false
    }

    private func isSymbol(_ symbol: String) -> Bool {
        if case .symbol(symbol) = current.kind { return true }
        return false
    }

    private mutating func expect(_ symbol: String, _ context: String) throws(ExpressionError) {
        guard isSymbol(symbol) else {
            throw ExpressionError(offset: current.offset, message: "expected '\(symbol)' \(context), found \(current.display)")
        }
        _ = advance()
    }

    private mutating func expression() throws(ExpressionError) -> Syntax {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else {
            throw ExpressionError(offset: current.offset, message: "the expression nests deeper than \(Self.maximumDepth) levels")
        }
        return try disjunction()
    }

    private mutating func disjunction() throws(ExpressionError) -> Syntax {
        try chain("or") { (parser: inout Parser) throws(ExpressionError) in try parser.conjunction() }
    }

    private mutating func conjunction() throws(ExpressionError) -> Syntax {
        try chain("and") { (parser: inout Parser) throws(ExpressionError) in try parser.negation() }
    }

    /// `operand (word operand)*`, grouped to the left.
    private mutating func chain(_ word: String, _ operand: (inout Parser) throws(ExpressionError) -> Syntax) throws(ExpressionError) -> Syntax {
        var left = try operand(&self)
        while isWord(word) {
            let token = advance()
            try requireOperand(after: word)
            left = Syntax(kind: .logical(word, left, try operand(&self)), offset: token.offset)
        }
        return left
    }

    private func requireOperand(after word: String) throws(ExpressionError) {
        switch current.kind {
        case .end:
            throw ExpressionError(offset: current.offset, message: "expected an expression after '\(word)'")
        case .symbol(let symbol) where [")", "]", ",", "==", "!=", "<", "<=", ">", ">=", "."].contains(symbol):
            throw ExpressionError(offset: current.offset, message: "expected an expression after '\(word)', found \(current.display)")
        case .identifier(let name) where ["and", "or", "in"].contains(name):
            throw ExpressionError(offset: current.offset, message: "expected an expression after '\(word)', found \(current.display)")
        default:
            return
        }
    }

    private mutating func negation() throws(ExpressionError) -> Syntax {
        guard isWord("not") else { return try comparison() }
        let token = advance()
        try requireOperand(after: "not")
        return Syntax(kind: .not(try negation()), offset: token.offset)
    }

    private mutating func comparison() throws(ExpressionError) -> Syntax {
        let left = try postfix()
        if case .symbol(let symbol) = current.kind, ["==", "!=", "<", "<=", ">", ">="].contains(symbol) {
            let token = advance()
            try requireOperand(after: symbol)
            return Syntax(kind: .comparison(symbol, left, try postfix()), offset: token.offset)
        }
        if isWord("in") {
            let token = advance()
            try requireOperand(after: "in")
            return Syntax(kind: .membership(left, try postfix(), negated: false), offset: token.offset)
        }
        if isWord("not"), isWord("in", nextToken) {
            let token = advance()
            _ = advance()
            try requireOperand(after: "not in")
            return Syntax(kind: .membership(left, try postfix(), negated: true), offset: token.offset)
        }
        return left
    }

    private mutating func postfix() throws(ExpressionError) -> Syntax {
        var syntax = try primary()
        while true {
            if isSymbol(".") {
                _ = advance()
                guard case .identifier(let name) = current.kind, !Self.keywords.contains(name) else {
                    throw ExpressionError(offset: current.offset, message: "expected a field name after '.', found \(current.display)")
                }
                let token = advance()
                syntax = Syntax(kind: .member(syntax, name), offset: token.offset)
            } else if isSymbol("[") {
                let token = advance()
                let key = try expression()
                try expect("]", "to close the subscript")
                syntax = Syntax(kind: .index(syntax, key), offset: token.offset)
            } else {
                return syntax
            }
        }
    }

    private mutating func primary() throws(ExpressionError) -> Syntax {
        let token = current
        switch token.kind {
        case .integer(let value):
            _ = advance()
            return Syntax(kind: .integer(value), offset: token.offset)
        case .string(let value):
            _ = advance()
            return Syntax(kind: .string(value), offset: token.offset)
        case .symbol("-"):
            _ = advance()
            guard case .integer(let value) = current.kind else {
                throw ExpressionError(offset: current.offset, message: "expected a number after '-', found \(current.display)")
            }
            _ = advance()
            return Syntax(kind: .integer(-value), offset: token.offset)
        case .symbol("("):
            _ = advance()
            let inner = try expression()
            try expect(")", "to close the parenthesis")
            return inner
        case .symbol("["):
            _ = advance()
            return Syntax(kind: .list(try commaSeparated(until: "]", "to close the list")), offset: token.offset)
        case .identifier(let name):
            _ = advance()
            switch name {
            case "true", "false": return Syntax(kind: .boolean(name == "true"), offset: token.offset)
            case "null": return Syntax(kind: .null, offset: token.offset)
            case "and", "or", "in", "not":
                throw ExpressionError(offset: token.offset, message: "expected an expression, found '\(name)'")
            default: break
            }
            guard isSymbol("(") else { return Syntax(kind: .name(name), offset: token.offset) }
            _ = advance()
            if Self.quantifiers.contains(name) { return try quantifier(name, at: token.offset) }
            let arguments = try commaSeparated(until: ")", "to close the arguments of \(name)()")
            return Syntax(kind: .call(name, arguments), offset: token.offset)
        case .symbol, .end:
            throw ExpressionError(offset: token.offset, message: "expected an expression, found \(token.display)")
        }
    }

    /// Expressions separated by commas up to the closing symbol, which is consumed.
    private mutating func commaSeparated(until closing: String, _ context: String) throws(ExpressionError) -> [Syntax] {
        var items: [Syntax] = []
        while !isSymbol(closing) {
            items.append(try expression())
            guard isSymbol(",") else { break }
            _ = advance()
        }
        try expect(closing, context)
        return items
    }

    /// `all(h in mx.hosts, present(h.tlsa))`: a name, `in`, a list, a comma and the body.
    private mutating func quantifier(_ name: String, at offset: Int) throws(ExpressionError) -> Syntax {
        let usage = "\(name)() takes NAME in LIST, EXPRESSION, e.g. \(name)(h in mx.hosts, present(h.tlsa))"
        guard case .identifier(let variable) = current.kind, !Self.keywords.contains(variable), isWord("in", nextToken) else {
            throw ExpressionError(offset: current.offset, message: usage)
        }
        _ = advance()
        _ = advance()
        let collection = try expression()
        guard isSymbol(",") else { throw ExpressionError(offset: current.offset, message: usage) }
        _ = advance()
        let body = try expression()
        try expect(")", "to close \(name)()")
        return Syntax(kind: .quantifier(name, variable: variable, collection: collection, body: body), offset: offset)
    }
}
