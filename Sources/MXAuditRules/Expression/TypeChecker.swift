import MXAuditModel

/// Which types meet in comparisons and lists.
enum TypeRules {
    static func comparable(_ a: ValueType, _ b: ValueType) -> Bool {
        let (x, y) = (a.unwrappedOptional, b.unwrappedOptional)
        switch (x, y) {
        case (.null, _), (_, .null), (.bool, .bool), (.int, .int), (.date, .date): return true
        case (.string, .string), (.string, .enumeration), (.enumeration, .string): return true
        case (.enumeration(let first, _), .enumeration(let second, _)): return first == second
        default: return false
        }
    }

    static func orderable(_ type: ValueType) -> Bool {
        switch type.unwrappedOptional {
        case .int, .date, .string, .null: return true
        default: return false
        }
    }
}

/// Checks an expression against the evidence schema of one scope and compiles it. Every error
/// carries the offset of the offending token.
struct TypeChecker {
    let root: ObjectType
    private var locals: [(name: String, type: ValueType)] = []

    init(scope: RuleScope) { root = EvidenceSchema.root(for: scope) }

    /// An expression that must be true or false (`applies_if`, `assert`, `indeterminate_if`).
    static func condition(_ text: String, scope: RuleScope) throws(ExpressionError) -> Compiled {
        var checker = TypeChecker(scope: scope)
        return try checker.condition(try Parser.parse(text))
    }

    /// An expression quoted in a message: anything but an object or a map.
    static func quotable(_ text: String, scope: RuleScope) throws(ExpressionError) -> Compiled {
        var checker = TypeChecker(scope: scope)
        let syntax = try Parser.parse(text)
        let (compiled, type) = try checker.value(syntax)
        switch type.unwrappedOptional {
        case .object, .map:
            throw ExpressionError(offset: syntax.offset, message: "a message can quote text, numbers, dates, true/false and lists, not \(type); name one of its fields")
        default:
            return compiled
        }
    }

    // MARK: - Conditions and values

    private mutating func condition(_ syntax: Syntax) throws(ExpressionError) -> Compiled {
        let (compiled, type) = try value(syntax)
        switch type.unwrappedOptional {
        case .bool, .null: return compiled
        default:
            throw ExpressionError(offset: syntax.offset,
                                  message: "\(Self.describe(syntax)) is \(type); a condition needs true or false (compare it, e.g. with == or >)")
        }
    }

    /// The expression as a value: an observation is read through (its value, null when absent).
    private mutating func value(_ syntax: Syntax) throws(ExpressionError) -> (Compiled, ValueType) {
        let (compiled, type) = try check(syntax)
        if case .observation(let inner) = type.unwrappedOptional {
            return (.readThrough(compiled, path: Self.describe(syntax)), ValueType.optional(inner).flattened)
        }
        return (compiled, type)
    }

    private mutating func check(_ syntax: Syntax) throws(ExpressionError) -> (Compiled, ValueType) {
        switch syntax.kind {
        case .integer(let value): return (.constant(.int(value)), .int)
        case .string(let value): return (.constant(.string(value)), .string)
        case .boolean(let value): return (.constant(.bool(value)), .bool)
        case .null: return (.constant(.null), .null)
        case .name(let name): return try lookup(name, at: syntax.offset)
        case .member(let base, let name): return try member(base, name, at: syntax.offset)
        case .index(let base, let key): return try index(base, key, at: syntax.offset)
        case .call(let name, let arguments): return try call(name, arguments, at: syntax.offset)
        case .quantifier(let name, let variable, let collection, let body):
            return try quantifier(QuantifierKind(rawValue: name)!, variable, collection, body)
        case .not(let operand): return (.not(try condition(operand)), .bool)
        case .logical(let word, let left, let right):
            let (first, second) = (try condition(left), try condition(right))
            return (word == "and" ? .and(first, second) : .or(first, second), .bool)
        case .comparison(let symbol, let left, let right):
            return try comparison(ComparisonOperator(rawValue: symbol)!, left, right, at: syntax.offset)
        case .membership(let element, let collection, let negated):
            return try membership(element, collection, negated: negated)
        case .list(let items):
            var compiled: [Compiled] = []
            var elementType = ValueType.null
            for item in items {
                let (itemCompiled, itemType) = try value(item)
                if elementType == .null { elementType = itemType } else if !TypeRules.comparable(elementType, itemType) {
                    throw ExpressionError(offset: item.offset, message: "a list holds values of one type: \(itemType) does not go with \(elementType)")
                }
                compiled.append(itemCompiled)
            }
            return (.list(compiled), .list(elementType))
        }
    }

    private func lookup(_ name: String, at offset: Int) throws(ExpressionError) -> (Compiled, ValueType) {
        if let local = locals.last(where: { $0.name == name }) { return (.local(name), local.type) }
        if let type = root[name] { return (Self.dateConverted(.root(name), type), type) }
        let names = Array(locals.map(\.name).reversed()) + root.fieldNames
        throw ExpressionError(offset: offset, message: unknownWordMessage("unknown name '\(name)'", name, among: names, listedAs: "Names here"))
    }

    private mutating func member(_ base: Syntax, _ name: String, at offset: Int) throws(ExpressionError) -> (Compiled, ValueType) {
        let (compiled, type) = try value(base)
        let path = Self.describe(base)
        switch type.unwrappedOptional {
        case .object(let object):
            guard let fieldType = object[name] else {
                throw ExpressionError(offset: offset, message: unknownWordMessage(
                    "unknown field '\(name)' in \(path) (\(object.name))", name, among: object.fieldNames, listedAs: "Fields"))
            }
            let result = type.isOptional ? fieldType.optionalized() : fieldType
            return (Self.dateConverted(.field(compiled, name), result), result)
        case .list(let element):
            throw ExpressionError(offset: offset, message: "\(path) is a list of \(element); look inside it with all(), any(), count(), filter() or map()")
        case .map:
            throw ExpressionError(offset: offset, message: "\(path) is a map; read one entry with \(path)[\"\(name)\"]")
        default:
            throw ExpressionError(offset: offset, message: "\(path) is \(type); it has no field '\(name)'")
        }
    }

    private mutating func index(_ base: Syntax, _ key: Syntax, at offset: Int) throws(ExpressionError) -> (Compiled, ValueType) {
        let (compiled, type) = try value(base)
        let (keyCompiled, keyType) = try value(key)
        if case .list(let element) = type.unwrappedOptional {
            guard keyType.unwrappedOptional == .int else {
                throw ExpressionError(offset: key.offset, message: "a list is read by position, e.g. \(Self.describe(base))[0]; not by \(keyType)")
            }
            // A position past the end reads as null.
            return (Self.dateConverted(.index(compiled, keyCompiled), element), element.optionalized())
        }
        guard case .map(let element) = type.unwrappedOptional else {
            throw ExpressionError(offset: offset, message: "\(Self.describe(base)) is \(type); only maps (with [\"key\"]) and lists (with [0]) can be indexed")
        }
        guard TypeRules.comparable(keyType, .string), keyType.unwrappedOptional != .null else {
            throw ExpressionError(offset: key.offset, message: "a map key must be text, not \(keyType)")
        }
        // A key that is not there reads as null.
        return (.index(compiled, keyCompiled), element.optionalized())
    }

    private mutating func call(_ name: String, _ arguments: [Syntax], at offset: Int) throws(ExpressionError) -> (Compiled, ValueType) {
        if name == "coalesce" || name == "if" { return try lazyCall(name, arguments, at: offset) }
        guard let function = FunctionDefinition.lookup(name) else {
            throw ExpressionError(offset: offset, message: unknownWordMessage(
                "unknown function '\(name)'", name, among: FunctionDefinition.names, listedAs: "Functions"))
        }
        var compiled: [Compiled] = []
        var types: [ValueType] = []
        for argument in arguments {
            let (argumentCompiled, argumentType) = function.readsObservation ? try check(argument) : try value(argument)
            compiled.append(argumentCompiled)
            types.append(argumentType)
        }
        switch function.check(types, compiled) {
        case .success(let (type, body)):
            return (.call(name, body, compiled), type)
        case .failure(let error):
            throw ExpressionError(offset: error.argument.map { arguments[$0].offset } ?? offset, message: error.message)
        }
    }

    /// `coalesce(VALUE, FALLBACK)` and `if(CONDITION, THEN, ELSE)` read only what they need, so a
    /// fallback that cannot be read does not spoil a value that can.
    private mutating func lazyCall(_ name: String, _ arguments: [Syntax], at offset: Int) throws(ExpressionError) -> (Compiled, ValueType) {
        let usage = name == "if" ? "if(CONDITION, THEN, ELSE)" : "coalesce(VALUE, FALLBACK)"
        guard arguments.count == (name == "if" ? 3 : 2) else {
            throw ExpressionError(offset: offset, message: "\(usage) takes \(name == "if" ? 3 : 2) arguments, not \(arguments.count)")
        }
        let condition = name == "if" ? try self.condition(arguments[0]) : nil
        let branches = name == "if" ? Array(arguments[1...]) : arguments
        let (first, firstType) = try value(branches[0])
        let (second, secondType) = try value(branches[1])
        guard TypeRules.comparable(firstType, secondType) else {
            throw ExpressionError(offset: branches[1].offset, message: "\(usage) needs values of one type: \(secondType) does not go with \(firstType)")
        }
        let known = firstType.unwrappedOptional == .null ? secondType : firstType
        if let condition {
            let type = firstType.isOptional || secondType.isOptional ? known.optionalized() : known
            return (.conditional(condition, first, second), type)
        }
        return (.coalesce(first, second), secondType.isOptional ? known.optionalized() : known.unwrappedOptional)
    }

    private mutating func quantifier(_ kind: QuantifierKind, _ variable: String, _ collection: Syntax,
                                     _ body: Syntax) throws(ExpressionError) -> (Compiled, ValueType) {
        let (collectionCompiled, collectionType) = try value(collection)
        let element: ValueType
        switch collectionType.unwrappedOptional {
        case .list(let type): element = type
        case .null: element = .null
        default:
            throw ExpressionError(offset: collection.offset, message: "\(kind.rawValue)() goes over a list; \(Self.describe(collection)) is \(collectionType)")
        }
        if root[variable] != nil || locals.contains(where: { $0.name == variable }) {
            throw ExpressionError(offset: collection.offset, message: "the name '\(variable)' is already in use here; choose another")
        }
        locals.append((variable, element))
        defer { locals.removeLast() }
        let compiledBody: Compiled
        let result: ValueType
        switch kind {
        case .all, .any: (compiledBody, result) = (try condition(body), .bool)
        case .count: (compiledBody, result) = (try condition(body), .int)
        case .filter: (compiledBody, result) = (try condition(body), .list(element))
        case .map:
            let (mapped, type) = try value(body)
            (compiledBody, result) = (mapped, .list(type))
        }
        return (.quantifier(kind, variable: variable, collection: collectionCompiled, body: compiledBody), result)
    }

    private mutating func comparison(_ op: ComparisonOperator, _ left: Syntax, _ right: Syntax,
                                     at offset: Int) throws(ExpressionError) -> (Compiled, ValueType) {
        let (first, firstType) = try value(left)
        let (second, secondType) = try value(right)
        guard TypeRules.comparable(firstType, secondType) else {
            throw ExpressionError(offset: offset, message: "'\(op.rawValue)' cannot compare \(firstType) (\(Self.describe(left))) with \(secondType) (\(Self.describe(right)))")
        }
        if ![.equal, .notEqual].contains(op) {
            for (syntax, type) in [(left, firstType), (right, secondType)] where !TypeRules.orderable(type) {
                throw ExpressionError(offset: syntax.offset, message: "'\(op.rawValue)' orders numbers, dates and text, not \(type)")
            }
        }
        try checkLiteral(second, at: right.offset, against: firstType)
        try checkLiteral(first, at: left.offset, against: secondType)
        return (.compare(op, first, second), .bool)
    }

    private mutating func membership(_ element: Syntax, _ collection: Syntax, negated: Bool) throws(ExpressionError) -> (Compiled, ValueType) {
        let (elementCompiled, elementType) = try value(element)
        let (collectionCompiled, collectionType) = try value(collection)
        guard case .list(let itemType) = collectionType.unwrappedOptional else {
            throw ExpressionError(offset: collection.offset, message: "'in' needs a list on its right, e.g. [\"quarantine\", \"reject\"]; \(Self.describe(collection)) is \(collectionType)")
        }
        guard TypeRules.comparable(elementType, itemType) else {
            throw ExpressionError(offset: collection.offset, message: "'in' cannot look for \(elementType) in a list of \(itemType)")
        }
        if case .list(let items) = collectionCompiled, case .list(let syntaxItems) = collection.kind {
            for (item, syntax) in zip(items, syntaxItems) { try checkLiteral(item, at: syntax.offset, against: elementType) }
        }
        return (.membership(elementCompiled, collectionCompiled, negated: negated), .bool)
    }

    /// A quoted value compared with a closed set must be one of its values.
    private func checkLiteral(_ compiled: Compiled, at offset: Int, against type: ValueType) throws(ExpressionError) {
        guard case .constant(.string(let literal)) = compiled, case .enumeration(let name, let values) = type.unwrappedOptional,
              !values.contains(literal) else { return }
        throw ExpressionError(offset: offset, message: unknownWordMessage("'\(literal)' is not a \(name)", literal, among: values, listedAs: "Values"))
    }

    private static func dateConverted(_ compiled: Compiled, _ type: ValueType) -> Compiled {
        type.unwrappedOptional == .date ? .toDate(compiled) : compiled
    }

    /// The expression as a person would write it, for messages ("mtaSTS.policy").
    static func describe(_ syntax: Syntax) -> String {
        switch syntax.kind {
        case .integer(let value): return String(value)
        case .string(let value): return "\"\(value)\""
        case .boolean(let value): return value ? "true" : "false"
        case .null: return "null"
        case .name(let name): return name
        case .member(let base, let name): return "\(describe(base)).\(name)"
        case .index(let base, let key): return "\(describe(base))[\(describe(key))]"
        case .call(let name, let arguments): return "\(name)(\(arguments.map(describe).joined(separator: ", ")))"
        case .quantifier(let name, let variable, let collection, _): return "\(name)(\(variable) in \(describe(collection)), …)"
        case .not(let operand): return "not \(describe(operand))"
        case .logical(let word, let left, let right): return "\(describe(left)) \(word) \(describe(right))"
        case .comparison(let symbol, let left, let right): return "\(describe(left)) \(symbol) \(describe(right))"
        case .membership(let element, let collection, let negated): return "\(describe(element)) \(negated ? "not in" : "in") \(describe(collection))"
        case .list(let items): return "[\(items.map(describe).joined(separator: ", "))]"
        }
    }
}
