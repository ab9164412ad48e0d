import Foundation

/// Evaluates compiled expressions over the JSON form of the evidence.
///
/// `and`/`or` read their operands left to right and stop when the answer is known, so a guard
/// written first (`endpoint.ehlo.code == 250 and …`) decides before later reads can fail.
/// `all`/`any` are order-free: a definite `false` (`true` for `any`) wins over elements that could
/// not be read; otherwise an unreadable element makes the answer unknown.
struct Evaluator {
    let root: Value
    let context: EvaluationContext
    private var locals: [String: Value] = [:]

    init(root: Value, context: EvaluationContext) {
        self.root = root
        self.context = context
    }

    func evaluate(_ compiled: Compiled) throws(Signal) -> Value {
        switch compiled {
        case .constant(let value): return value
        case .root(let name): return root[name]
        case .local(let name): return locals[name] ?? .null
        case .field(let base, let name): return try evaluate(base)[name]
        case .index(let base, let key):
            let container = try evaluate(base)
            switch try evaluate(key) {
            case .string(let name): return container[name]
            case .int(let position):
                let items = container.list
                return items.indices.contains(position) ? items[position] : .null
            default: return .null
            }
        case .readThrough(let observation, let path): return try Self.readThrough(try evaluate(observation), path: path)
        case .toDate(let base):
            guard case .string(let text) = try evaluate(base), let date = try? Date.ISO8601FormatStyle().parse(text) else { return .null }
            return .date(date)
        case .not(let operand): return .bool(!(try evaluate(operand).isTrue))
        case .and(let left, let right):
            guard try evaluate(left).isTrue else { return .bool(false) }
            return .bool(try evaluate(right).isTrue)
        case .or(let left, let right):
            if try evaluate(left).isTrue { return .bool(true) }
            return .bool(try evaluate(right).isTrue)
        case .compare(let op, let left, let right):
            return .bool(Self.compare(op, try evaluate(left), try evaluate(right)))
        case .membership(let element, let collection, let negated):
            let found = try evaluate(collection).list.contains(try evaluate(element))
            return .bool(found != negated)
        case .list(let items):
            var values: [Value] = []
            for item in items { values.append(try evaluate(item)) }
            return .list(values)
        case .call(_, let body, let arguments):
            var values: [Value] = []
            for argument in arguments { values.append(try evaluate(argument)) }
            return try body(values, context)
        case .coalesce(let value, let fallback):
            let first = try evaluate(value)
            return first.isNull ? try evaluate(fallback) : first
        case .conditional(let condition, let then, let otherwise):
            return try evaluate(condition).isTrue ? try evaluate(then) : try evaluate(otherwise)
        case .quantifier(let kind, let variable, let collection, let body):
            return try quantify(kind, variable, try evaluate(collection).list, body)
        }
    }

    /// An observation as its value: null when absent, a signal when it failed or was skipped.
    static func readThrough(_ observation: Value, path: String) throws(Signal) -> Value {
        guard case .string(let status) = observation["status"] else { return .null }
        switch status {
        case "present": return observation["value"]
        case "error":
            let error = observation["error"]
            throw Signal.indeterminate("\(error["kind"].text): \(error["message"].text)")
        case "skipped": throw Signal.notApplicable(observation["reason"].text)
        default: return .null
        }
    }

    static func compare(_ op: ComparisonOperator, _ left: Value, _ right: Value) -> Bool {
        switch op {
        case .equal: return left == right
        case .notEqual: return left != right
        default: break
        }
        let order: ComparisonResult
        switch (left, right) {
        case (.int(let a), .int(let b)): order = a < b ? .orderedAscending : a > b ? .orderedDescending : .orderedSame
        case (.date(let a), .date(let b)): order = a.compare(b)
        case (.string(let a), .string(let b)): order = a < b ? .orderedAscending : a > b ? .orderedDescending : .orderedSame
        default: return false // null (or mixed) is never ordered
        }
        switch op {
        case .less: return order == .orderedAscending
        case .lessOrEqual: return order != .orderedDescending
        case .greater: return order == .orderedDescending
        default: return order != .orderedAscending
        }
    }

    private func quantify(_ kind: QuantifierKind, _ variable: String, _ items: [Value], _ body: Compiled) throws(Signal) -> Value {
        var inner = self
        var unknown: Signal?
        var results: [Value] = []
        for item in items {
            inner.locals[variable] = item
            let result: Value
            do { result = try inner.evaluate(body) } catch {
                // all/any can still be decided by another element; the others need every one.
                guard kind == .all || kind == .any else { throw error }
                unknown = Signal.worse(unknown, error)
                continue
            }
            switch kind {
            case .all where !result.isTrue: return .bool(false)
            case .any where result.isTrue: return .bool(true)
            case .filter where result.isTrue: results.append(item)
            case .count where result.isTrue: results.append(item)
            case .map: results.append(result)
            default: break
            }
        }
        if let unknown { throw unknown }
        switch kind {
        case .all: return .bool(true)
        case .any: return .bool(false)
        case .count: return .int(results.count)
        case .filter, .map: return .list(results)
        }
    }
}
