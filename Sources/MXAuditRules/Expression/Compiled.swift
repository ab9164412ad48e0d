import Foundation

/// Why an expression has no true/false answer: the evidence it read could not be observed
/// (`indeterminate`), or was not looked at because it does not apply (`notApplicable`).
enum Signal: Error, Sendable, Equatable {
    case indeterminate(String)
    case notApplicable(String)

    /// When two reads fail, "could not be told" wins over "does not apply".
    static func worse(_ a: Signal?, _ b: Signal) -> Signal {
        if case .indeterminate = a { return a! }
        if case .indeterminate = b { return b }
        return a ?? b
    }
}

enum ComparisonOperator: String, Sendable {
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
}

enum QuantifierKind: String, Sendable {
    case all, any, count, filter, map
}

/// The evaluation-time facts a function may need besides its arguments.
struct EvaluationContext: Sendable {
    /// When the evidence was collected: "today" for date functions, so a stored run judges the same later.
    var now: Date
}

typealias FunctionBody = @Sendable ([Value], EvaluationContext) throws(Signal) -> Value

/// A type-checked expression, ready to evaluate. The checker inserted every observation read-through
/// and date conversion, so evaluation needs no types.
indirect enum Compiled: Sendable {
    case constant(Value)
    /// A name of the scope's root (`host`, `evidence`, or an evidence field in the domain scope).
    case root(String)
    /// The variable of an enclosing `all`/`any`/… .
    case local(String)
    case field(Compiled, String)
    case index(Compiled, Compiled)
    /// An observation read as its value: null when absent, a signal when failed or skipped.
    case readThrough(Compiled, path: String)
    case toDate(Compiled)
    case not(Compiled)
    case and(Compiled, Compiled)
    case or(Compiled, Compiled)
    case compare(ComparisonOperator, Compiled, Compiled)
    case membership(Compiled, Compiled, negated: Bool)
    case list([Compiled])
    case call(String, FunctionBody, [Compiled])
    /// `coalesce(a, b)`: b is read only when a is null.
    case coalesce(Compiled, Compiled)
    /// `if(condition, a, b)`: only the chosen branch is read.
    case conditional(Compiled, Compiled, Compiled)
    case quantifier(QuantifierKind, variable: String, collection: Compiled, body: Compiled)
}
