import Foundation
import MXAuditModel

/// A function rule expressions may call: its type rule and its body. A new function is the only
/// part of a new rule that needs Swift (docs/ARCHITECTURE.md, "Where things go").
struct FunctionDefinition: Sendable {
    struct TypeError: Error {
        /// The argument the problem is about (nil: the call as a whole).
        var argument: Int?
        var message: String
    }

    typealias Checked = Result<(ValueType, FunctionBody), TypeError>

    let name: String
    /// How the function is called, for messages and docs/rules.md.
    let usage: String
    /// True for `present`, `absent`, `status`, `reason` and `error_kind`: they look at an observation
    /// itself instead of reading through it.
    let readsObservation: Bool
    let check: @Sendable ([ValueType], [Compiled]) -> Checked

    static func lookup(_ name: String) -> FunctionDefinition? { all.first { $0.name == name } }

    /// Every function name, for "did you mean" hints: these, the lazy `coalesce` and `if`, and the quantifiers.
    static let names = all.map(\.name) + ["coalesce", "if"] + Parser.quantifiers.sorted()

    static let all: [FunctionDefinition] = observationFunctions + valueFunctions
}

// MARK: - Observations

private func observationStatus(_ value: Value) -> ObservationStatus? {
    guard case .string(let text) = value["status"] else { return nil }
    return ObservationStatus(rawValue: text)
}

private func failureText(_ value: Value) -> String {
    let error = value["error"]
    return "\(error["kind"].text): \(error["message"].text)"
}

private func observationFunction(_ name: String, _ usage: String, result: ValueType,
                                 _ body: @escaping @Sendable (ObservationStatus?, Value) throws(Signal) -> Value) -> FunctionDefinition {
    FunctionDefinition(name: name, usage: usage, readsObservation: true) { types, _ in
        guard types.count == 1 else { return .failure(.init(argument: nil, message: "\(usage) takes one observation")) }
        guard case .observation = types[0].unwrappedOptional else {
            return .failure(.init(argument: 0, message: "\(name)() needs an observation (a field with a status, e.g. mtaSTS.policy), not \(types[0])"))
        }
        return .success((result, { (arguments: [Value], _: EvaluationContext) throws(Signal) -> Value in
            try body(observationStatus(arguments[0]), arguments[0])
        }))
    }
}

private let observationFunctions: [FunctionDefinition] = [
    observationFunction("present", "present(OBSERVATION)", result: .bool) { status, value throws(Signal) in
        if status == .error { throw Signal.indeterminate(failureText(value)) }
        return .bool(status == .present)
    },
    observationFunction("absent", "absent(OBSERVATION)", result: .bool) { status, value throws(Signal) in
        if status == .error { throw Signal.indeterminate(failureText(value)) }
        return .bool(status == .absent || status == .skipped)
    },
    observationFunction("status", "status(OBSERVATION)", result: .optional(EvidenceSchema.observationStatus)) { status, _ in
        status.map { .string($0.rawValue) } ?? .null
    },
    observationFunction("reason", "reason(OBSERVATION)", result: .optional(.string)) { status, value in
        switch status {
        case .absent?, .skipped?: return value["reason"]
        case .error?: return .string(failureText(value))
        default: return .null
        }
    },
    observationFunction("error_kind", "error_kind(OBSERVATION)", result: .optional(EvidenceSchema.failureKind)) { status, value in
        status == .error ? value["error"]["kind"] : .null
    },
]

// MARK: - Values

private func isText(_ type: ValueType) -> Bool {
    switch type.unwrappedOptional {
    case .string, .enumeration, .null: return true
    default: return false
    }
}

private func expect(_ count: Int, _ types: [ValueType], _ usage: String) -> FunctionDefinition.TypeError? {
    types.count == count ? nil : .init(argument: nil, message: "\(usage) takes \(count) argument\(count == 1 ? "" : "s"), not \(types.count)")
}

private func textFunction(_ name: String, _ usage: String, _ body: @escaping @Sendable (String, String) -> Bool) -> FunctionDefinition {
    FunctionDefinition(name: name, usage: usage, readsObservation: false) { types, _ in
        if let error = expect(2, types, usage) { return .failure(error) }
        for index in 0..<2 where !isText(types[index]) {
            return .failure(.init(argument: index, message: "\(name)() needs text, not \(types[index])"))
        }
        return .success((.bool, { arguments, _ in
            guard case .string(let text) = arguments[0], case .string(let part) = arguments[1] else { return .bool(false) }
            return .bool(body(text, part))
        }))
    }
}

/// A compiled regular expression; NSRegularExpression is immutable and safe to share for matching.
private final class SharedRegex: @unchecked Sendable {
    let regex: NSRegularExpression
    init(_ regex: NSRegularExpression) { self.regex = regex }
}

private let secondsPerDay = 86_400.0

private let valueFunctions: [FunctionDefinition] = [
    FunctionDefinition(name: "len", usage: "len(LIST | TEXT | MAP)", readsObservation: false) { types, _ in
        if let error = expect(1, types, "len(LIST | TEXT | MAP)") { return .failure(error) }
        switch types[0].unwrappedOptional {
        case .list, .map, .string, .enumeration, .null: break
        default: return .failure(.init(argument: 0, message: "len() needs a list, text or map, not \(types[0])"))
        }
        return .success((.int, { arguments, _ in
            switch arguments[0] {
            case .list(let items): return .int(items.count)
            case .object(let fields): return .int(fields.count)
            case .string(let text): return .int(text.count)
            default: return .int(0)
            }
        }))
    },
    FunctionDefinition(name: "lower", usage: "lower(TEXT)", readsObservation: false) { types, _ in
        if let error = expect(1, types, "lower(TEXT)") { return .failure(error) }
        guard isText(types[0]) else { return .failure(.init(argument: 0, message: "lower() needs text, not \(types[0])")) }
        return .success((types[0].isOptional ? .optional(.string) : .string, { arguments, _ in
            if case .string(let text) = arguments[0] { return .string(text.lowercased()) }
            return .null
        }))
    },
    textFunction("starts_with", "starts_with(TEXT, PREFIX)") { $0.hasPrefix($1) },
    textFunction("ends_with", "ends_with(TEXT, SUFFIX)") { $0.hasSuffix($1) },
    textFunction("contains", "contains(TEXT, PART)") { $0.contains($1) },
    FunctionDefinition(name: "matches", usage: "matches(TEXT, \"REGEX\")", readsObservation: false) { types, arguments in
        if let error = expect(2, types, "matches(TEXT, \"REGEX\")") { return .failure(error) }
        guard isText(types[0]) else { return .failure(.init(argument: 0, message: "matches() needs text, not \(types[0])")) }
        guard case .constant(.string(let pattern)) = arguments[1] else {
            return .failure(.init(argument: 1, message: "matches() needs the regular expression as a quoted literal"))
        }
        let regex: NSRegularExpression
        do { regex = try NSRegularExpression(pattern: pattern) } catch {
            return .failure(.init(argument: 1, message: "'\(pattern)' is not a valid regular expression"))
        }
        let shared = SharedRegex(regex)
        return .success((.bool, { arguments, _ in
            guard case .string(let text) = arguments[0] else { return .bool(false) }
            let range = NSRange(text.startIndex..<text.endIndex, in: text)
            return .bool(shared.regex.firstMatch(in: text, range: range) != nil)
        }))
    },
    FunctionDefinition(name: "join", usage: "join(LIST, SEPARATOR)", readsObservation: false) { types, _ in
        if let error = expect(2, types, "join(LIST, SEPARATOR)") { return .failure(error) }
        guard case .list = types[0].unwrappedOptional else {
            return .failure(.init(argument: 0, message: "join() needs a list, not \(types[0])"))
        }
        guard isText(types[1]) else { return .failure(.init(argument: 1, message: "join() needs a text separator, not \(types[1])")) }
        return .success((.string, { arguments, _ in .string(arguments[0].list.map(\.text).joined(separator: arguments[1].text)) }))
    },
    FunctionDefinition(name: "date", usage: "date(\"YYYY-MM-DD\")", readsObservation: false) { types, arguments in
        if let error = expect(1, types, "date(\"YYYY-MM-DD\")") { return .failure(error) }
        guard case .constant(.string(let text)) = arguments[0], let day = CalendarDay(text) else {
            return .failure(.init(argument: 0, message: "date() needs a quoted day such as \"2027-03-31\""))
        }
        let start = day.endOfDay.addingTimeInterval(-secondsPerDay)
        return .success((.date, { _, _ in .date(start) }))
    },
    FunctionDefinition(name: "days_until", usage: "days_until(DATE)", readsObservation: false) { types, _ in
        if let error = expect(1, types, "days_until(DATE)") { return .failure(error) }
        guard [.date, .null].contains(types[0].unwrappedOptional) else {
            return .failure(.init(argument: 0, message: "days_until() needs a date, not \(types[0])"))
        }
        return .success((.optional(.int), { arguments, context in
            guard case .date(let date) = arguments[0] else { return .null }
            return .int(Int((date.timeIntervalSince(context.now) / secondsPerDay).rounded(.down)))
        }))
    },
]
