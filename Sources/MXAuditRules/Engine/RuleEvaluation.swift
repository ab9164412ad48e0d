import MXAuditModel

/// One rule over one subject: `applies_if`, then `indeterminate_if`, then `assert`.
enum RuleEvaluation {
    static func judge(_ rule: Rule, root: Value, context: EvaluationContext) -> (Outcome, String) {
        let evaluator = Evaluator(root: root, context: context)
        do throws(Signal) {
            if let appliesIf = rule.appliesIf, !(try evaluator.evaluate(appliesIf.compiled).isTrue) {
                return (.notApplicable, "does not apply here (applies_if: \(appliesIf.source))")
            }
            if let indeterminateIf = rule.indeterminateIf, try evaluator.evaluate(indeterminateIf.compiled).isTrue {
                return (.indeterminate, rule.message.render(evaluator))
            }
            if try evaluator.evaluate(rule.assertion.compiled).isTrue {
                return (.pass, rule.passMessage?.render(evaluator) ?? rule.title)
            }
            return (.fail, rule.message.render(evaluator))
        } catch {
            switch error {
            case .indeterminate(let reason): return (.indeterminate, reason)
            case .notApplicable(let reason): return (.notApplicable, reason)
            }
        }
    }
}
