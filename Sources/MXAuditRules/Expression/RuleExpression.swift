import MXAuditModel

/// A condition of a rule (`applies_if`, `indeterminate_if`, `assert`): its text as written and its
/// type-checked form.
public struct RuleExpression: Sendable {
    public let source: String
    let compiled: Compiled

    /// Parses and type-checks `source` for `scope`; errors carry the offset of the offending token.
    init(_ source: String, scope: RuleScope) throws(ExpressionError) {
        self.source = source
        compiled = try TypeChecker.condition(source, scope: scope)
    }

    /// Parses and type-checks a condition without keeping it: nil when it is valid, else the
    /// problem (for the fuzzer and tools that check single expressions).
    public static func problem(in source: String, scope: RuleScope) -> String? {
        do {
            _ = try TypeChecker.condition(source, scope: scope)
            return nil
        } catch {
            return "\(error)"
        }
    }
}

/// A message with evidence quoted as `{{ expression }}`. The rendered text is plain; reports
/// escape it for their format.
public struct MessageTemplate: Sendable {
    enum Segment: Sendable {
        case text(String)
        case quote(Compiled)
    }

    public let source: String
    let segments: [Segment]

    init(_ source: String, scope: RuleScope) throws(ExpressionError) {
        self.source = source
        var segments: [Segment] = []
        let scalars = Array(source.unicodeScalars)
        var text = String.UnicodeScalarView()
        var index = 0
        func startsMarker(_ marker: String, at position: Int) -> Bool {
            let marks = Array(marker.unicodeScalars)
            return position + marks.count <= scalars.count && Array(scalars[position..<position + marks.count]) == marks
        }
        while index < scalars.count {
            guard startsMarker("{{", at: index) else {
                text.append(scalars[index])
                index += 1
                continue
            }
            let start = index + 2
            var end = start
            while end < scalars.count, !startsMarker("}}", at: end) { end += 1 }
            guard end < scalars.count else {
                throw ExpressionError(offset: index, message: "this '{{' has no closing '}}'")
            }
            if !text.isEmpty { segments.append(.text(String(text))) }
            text = String.UnicodeScalarView()
            let expression = String(String.UnicodeScalarView(scalars[start..<end]))
            do {
                segments.append(.quote(try TypeChecker.quotable(expression, scope: scope)))
            } catch {
                throw ExpressionError(offset: start + error.offset, message: error.message)
            }
            index = end + 2
        }
        if !text.isEmpty { segments.append(.text(String(text))) }
        self.segments = segments
    }

    /// The message with the evidence of one subject quoted; what cannot be read is said so, never left blank.
    func render(_ evaluator: Evaluator) -> String {
        segments.map { segment in
            switch segment {
            case .text(let text): return text
            case .quote(let compiled):
                do throws(Signal) { return try evaluator.evaluate(compiled).text } catch {
                    switch error {
                    case .indeterminate(let reason): return "(could not be observed: \(reason))"
                    case .notApplicable(let reason): return "(not checked: \(reason))"
                    }
                }
            }
        }.joined()
    }
}
