import Foundation
import MXAuditModel
import Testing
@testable import MXAuditRules

/// The expression language: parsing, type checking against the evidence schema, and evaluation
/// over the JSON form of hand-made evidence.
@Suite("expression language")
struct ExpressionTests {
    enum Answer: Equatable {
        case value(Value)
        case indeterminate(String)
        case notApplicable(String)
    }

    /// Evaluates a condition (or, with `quote`, a message quote) in the domain scope.
    func evaluate(_ text: String, _ evidence: DomainEvidence = SampleEvidence.good(), quote: Bool = false) throws -> Answer {
        let compiled = quote ? try TypeChecker.quotable(text, scope: .domain) : try TypeChecker.condition(text, scope: .domain)
        let root = try RuleEngine.document(evidence).get()
        do throws(Signal) {
            return .value(try Evaluator(root: root, context: EvaluationContext(now: evidence.collectedAt)).evaluate(compiled))
        } catch {
            switch error {
            case .indeterminate(let reason): return .indeterminate(reason)
            case .notApplicable(let reason): return .notApplicable(reason)
            }
        }
    }

    func error(_ text: String, scope: RuleScope = .domain) -> ExpressionError? {
        do {
            _ = try TypeChecker.condition(text, scope: scope)
            return nil
        } catch {
            return error
        }
    }

    // MARK: - Reading evidence

    @Test func pathsReadThroughPresentObservations() throws {
        #expect(try evaluate(#"mtaSTS.policy.mode == "enforce""#) == .value(.bool(true)))
        #expect(try evaluate("mtaSTS.policy.maxAge >= 604800") == .value(.bool(true)))
        #expect(try evaluate(#"mx.kind in ["explicit", "implicit"]"#) == .value(.bool(true)))
    }

    @Test func anAbsentObservationReadsAsNull() throws {
        let evidence = SampleEvidence.good { $0.dmarc.record = .absent("NXDOMAIN at _dmarc.good.example") }
        #expect(try evaluate("dmarc.record.policy == null", evidence) == .value(.bool(true)))
        #expect(try evaluate(#"dmarc.record.policy in ["quarantine", "reject"]"#, evidence) == .value(.bool(false)))
        // Null is never ordered, and counts as false in a condition.
        #expect(try evaluate("dmarc.record.percentage > 0", evidence) == .value(.bool(false)))
        #expect(try evaluate("not dmarc.record.percentage > 0", evidence) == .value(.bool(true)))
    }

    @Test func aFailedObservationMakesTheExpressionIndeterminateWithItsKindAndMessage() throws {
        let evidence = SampleEvidence.good { $0.mtaSTS.policy = .failed(Failure(.busy, "HTTP 503")) }
        #expect(try evaluate(#"mtaSTS.policy.mode == "enforce""#, evidence) == .indeterminate("busy: HTTP 503"))
    }

    @Test func aSkippedObservationMakesTheExpressionNotApplicable() throws {
        let evidence = SampleEvidence.good { $0.mtaSTS.policy = .skipped("no usable MTA-STS TXT record") }
        #expect(try evaluate(#"mtaSTS.policy.mode == "enforce""#, evidence) == .notApplicable("no usable MTA-STS TXT record"))
    }

    @Test func observationFunctionsLookAtTheObservationItself() throws {
        let absent = SampleEvidence.good { $0.mtaSTS.policy = .absent("HTTP 404") }
        let skipped = SampleEvidence.good { $0.mtaSTS.policy = .skipped("no record") }
        let failed = SampleEvidence.good { $0.mtaSTS.policy = .failed(Failure(.timeout, "no answer")) }
        #expect(try evaluate("present(mtaSTS.policy)") == .value(.bool(true)))
        #expect(try evaluate("present(mtaSTS.policy)", absent) == .value(.bool(false)))
        #expect(try evaluate("absent(mtaSTS.policy)", skipped) == .value(.bool(true)))
        // present() and absent() cannot tell about a failed lookup: that stays unknown.
        #expect(try evaluate("present(mtaSTS.policy)", failed) == .indeterminate("timeout: no answer"))
        #expect(try evaluate("absent(mtaSTS.policy)", failed) == .indeterminate("timeout: no answer"))
        // status(), reason() and error_kind() never fail.
        #expect(try evaluate(#"status(mtaSTS.policy) == "error""#, failed) == .value(.bool(true)))
        #expect(try evaluate(#"error_kind(mtaSTS.policy) == "timeout""#, failed) == .value(.bool(true)))
        #expect(try evaluate("reason(mtaSTS.policy)", absent, quote: true) == .value(.string("HTTP 404")))
        #expect(try evaluate("reason(mtaSTS.policy)", failed, quote: true) == .value(.string("timeout: no answer")))
        #expect(try evaluate("reason(mtaSTS.policy)", quote: true) == .value(.null))
    }

    // MARK: - Logic

    @Test func andStopsAtTheFirstFalseOperandSoAGuardDecidesFirst() throws {
        let evidence = SampleEvidence.good {
            $0.mtaSTS.record = .absent("none")
            $0.mtaSTS.policy = .failed(Failure(.timeout, "no answer"))
        }
        #expect(try evaluate(#"present(mtaSTS.record) and mtaSTS.policy.mode == "enforce""#, evidence) == .value(.bool(false)))
        #expect(try evaluate(#"mtaSTS.policy.mode == "enforce" and present(mtaSTS.record)"#, evidence) == .indeterminate("timeout: no answer"))
        #expect(try evaluate(#"not present(mtaSTS.record) or mtaSTS.policy.mode == "enforce""#, evidence) == .value(.bool(true)))
    }

    @Test func allAndAnyLetADefiniteAnswerWinOverAnUnreadableElement() throws {
        let evidence = SampleEvidence.good {
            $0.dkim.selectors = [
                DKIMSelectorEvidence(selector: "a", key: .failed(Failure(.timeout, "no answer"))),
                DKIMSelectorEvidence(selector: "b", key: .absent("NXDOMAIN")),
                DKIMSelectorEvidence(selector: "c", key: .present(DKIMKey(keyType: "rsa", keyBits: 2048, revoked: false, errors: [], warnings: []))),
            ]
        }
        #expect(try evaluate("all(s in dkim.selectors, present(s.key))", evidence) == .value(.bool(false)))
        #expect(try evaluate("any(s in dkim.selectors, present(s.key))", evidence) == .value(.bool(true)))
        #expect(try evaluate(#"any(s in dkim.selectors, s.selector == "z" and present(s.key))"#, evidence) == .value(.bool(false)))
        #expect(try evaluate(#"all(s in dkim.selectors, s.selector == "a" or present(s.key))"#, evidence) == .value(.bool(false)))
        let unknownOnly = SampleEvidence.good {
            $0.dkim.selectors = [DKIMSelectorEvidence(selector: "a", key: .failed(Failure(.timeout, "no answer")))]
        }
        #expect(try evaluate("all(s in dkim.selectors, present(s.key))", unknownOnly) == .indeterminate("timeout: no answer"))
        #expect(try evaluate("count(s in dkim.selectors, present(s.key)) == 1", unknownOnly) == .indeterminate("timeout: no answer"))
    }

    @Test func collectionFunctions() throws {
        #expect(try evaluate("count(h in mx.hosts, len(h.endpoints) == 2) == 1") == .value(.bool(true)))
        #expect(try evaluate("len(filter(e in mx.hosts, e.preference > 5)) == 1") == .value(.bool(true)))
        #expect(try evaluate(#"join(map(h in mx.hosts, h.name), ", ")"#, quote: true) == .value(.string("mx1.good.example")))
        #expect(try evaluate("all(h in mx.hosts, all(e in h.endpoints, e.tls.webPKI.valid))") == .value(.bool(true)))
        // An empty collection: all() is true, any() is false.
        let noSelectors = SampleEvidence.good { $0.dkim.selectors = [] }
        #expect(try evaluate("all(s in dkim.selectors, present(s.key))", noSelectors) == .value(.bool(true)))
        #expect(try evaluate("any(s in dkim.selectors, present(s.key))", noSelectors) == .value(.bool(false)))
    }

    @Test func mapsAndListsAreIndexed() throws {
        let evidence = SampleEvidence.good()
        #expect(try evaluate(#"all(h in mx.hosts, all(e in h.endpoints, e.capabilities.versions["TLSv1.2"] == true))"#, evidence) == .value(.bool(true)))
        #expect(try evaluate(#"all(h in mx.hosts, all(e in h.endpoints, e.capabilities.versions["SSLv3"] == null))"#, evidence) == .value(.bool(true)))
        #expect(try evaluate(#"all(h in mx.hosts, all(e in h.endpoints, e.tls.chain[0].keyType == "EC" and e.tls.chain[5] == null))"#, evidence) == .value(.bool(true)))
    }

    @Test func stringAndDateFunctions() throws {
        #expect(try evaluate(#"starts_with(lower(mtaSTS.fetch.contentType), "text/plain")"#) == .value(.bool(true)))
        #expect(try evaluate(#"ends_with(domain, ".example") and contains(domain, "good")"#) == .value(.bool(true)))
        #expect(try evaluate(#"matches(spf.record.text, "^v=spf1 .* -all$")"#) == .value(.bool(true)))
        #expect(try evaluate(#"coalesce(dmarc.record.subdomainPolicy, "none") == "none""#) == .value(.bool(true)))
        #expect(try evaluate(#"if(present(mtaSTS.policy), "yes", "no")"#, quote: true) == .value(.string("yes")))
        // Days are counted from when the evidence was collected, so a stored run judges the same later.
        #expect(try evaluate(#"all(h in mx.hosts, all(e in h.endpoints, days_until(e.tls.chain[0].notAfter) == 60))"#) == .value(.bool(true)))
        #expect(try evaluate(#"collectedAt > date("2026-01-01") and collectedAt < date("2027-01-01")"#) == .value(.bool(true)))
        // Functions given null answer null, false or 0 instead of failing.
        let noPolicy = SampleEvidence.good { $0.mtaSTS.fetch = .absent("HTTP 404") }
        #expect(try evaluate(#"starts_with(lower(mtaSTS.fetch.contentType), "text/plain")"#, noPolicy) == .value(.bool(false)))
        #expect(try evaluate("len(mtaSTS.fetch.body) == 0", noPolicy) == .value(.bool(true)))
    }

    @Test func coalesceAndIfReadOnlyWhatTheyNeed() throws {
        let evidence = SampleEvidence.good { $0.mtaSTS.policy = .failed(Failure(.timeout, "no answer")) }
        #expect(try evaluate(#"coalesce(domain, mtaSTS.policy.mode)"#, evidence, quote: true) == .value(.string("good.example")))
        #expect(try evaluate(#"if(true, "fine", mtaSTS.policy.mode)"#, evidence, quote: true) == .value(.string("fine")))
    }

    // MARK: - Type errors, with the offset of the offending token

    @Test func unknownFieldsAreNamedWithAHint() throws {
        let problem = try #require(error(#"mtaSTS.polcy.mode == "enforce""#))
        #expect(problem.offset == 7)
        #expect(problem.message.hasPrefix("unknown field 'polcy' in mtaSTS (MTASTSEvidence); did you mean 'policy'?"))
        #expect(error("host.name == domain", scope: .domain)?.message.hasPrefix("unknown name 'host'") == true)
        #expect(error("host.name == evidence.domain", scope: .mxHost) == nil)
        #expect(error("endpoint.tls.webPKI.valid and host.name != evidence.domain", scope: .mxAddress) == nil)
    }

    @Test func typeErrors() {
        #expect(error(#"mtaSTS.policy.maxAge == "week""#)?.message.hasPrefix("'==' cannot compare optional int (mtaSTS.policy.maxAge) with string") == true)
        #expect(error("mtaSTS.policy.maxAge")?.message.contains("a condition needs true or false") == true)
        #expect(error(#"zoneDNSSEC.status == "secur""#)?.message.hasPrefix("'secur' is not a DNSSEC status; did you mean 'secure'?") == true)
        #expect(error(#"zoneDNSSEC.status == "secur""#)?.offset == 21)
        #expect(error(#"dmarc.record.policy in ["reject", "rejected"]"#)?.message.hasPrefix("'rejected' is not a DMARC policy") == true)
        #expect(error("mx.hosts.name == null")?.message.contains("is a list of MXHostEvidence; look inside it with all()") == true)
        #expect(error("present(domain)")?.message.hasPrefix("present() needs an observation") == true)
        #expect(error(#"lenn(domain) > 0"#)?.message.hasPrefix("unknown function 'lenn'; did you mean 'len'? Functions: present, absent") == true)
        #expect(error(#"matches(domain, "([")"#)?.message == "'([' is not a valid regular expression")
        #expect(error("mtaSTS.coverage < 3")?.message.hasPrefix("'<' cannot compare") == true)
        #expect(error(#"all(domain in mx.hosts, true)"#)?.message.hasPrefix("the name 'domain' is already in use") == true)
    }

    @Test func syntaxErrorsPointAtTheOffendingToken() {
        #expect(error("present(mtaSTS.record) and") == ExpressionError(offset: 26, message: "expected an expression after 'and'"))
        #expect(error("mx.kind = 1") == ExpressionError(offset: 8, message: "unexpected character '='; compare with '=='"))
        #expect(error("(mx.kind == null") == ExpressionError(offset: 16, message: "expected ')' to close the parenthesis, found the end of the expression"))
        #expect(error(#"domain == "open"#)?.message == "this string has no closing \"")
        #expect(error("domain == null null")?.offset == 15)
        #expect(error("all(mx.hosts, true)")?.message.hasPrefix("all() takes NAME in LIST, EXPRESSION") == true)
        #expect(error("mx.kind && true")?.message.hasSuffix("write 'and', 'or' and 'not'") == true)
        #expect(error("")?.message == "the expression is empty")
    }

    @Test func messagesQuoteEvidenceAndSayWhatCouldNotBeRead() throws {
        let template = try MessageTemplate("{{ domain }}: policy {{ mtaSTS.policy.mode }}, DMARC {{ dmarc.record.policy }}", scope: .domain)
        let evidence = SampleEvidence.good {
            $0.mtaSTS.policy = .failed(Failure(.timeout, "no answer"))
            $0.dmarc.record = .absent("NXDOMAIN")
        }
        let evaluator = Evaluator(root: try RuleEngine.document(evidence).get(), context: EvaluationContext(now: evidence.collectedAt))
        #expect(template.render(evaluator) == "good.example: policy (could not be observed: timeout: no answer), DMARC none")
        #expect(throws: ExpressionError(offset: 4, message: "this '{{' has no closing '}}'")) {
            try MessageTemplate("abc {{ domain", scope: .domain)
        }
        #expect(throws: ExpressionError(offset: 7, message: "a message can quote text, numbers, dates, true/false and lists, not MTASTSEvidence; name one of its fields")) {
            try MessageTemplate("x {{   mtaSTS }}", scope: .domain)
        }
    }

    @Test func deepNestingIsRefusedNotAStackOverflow() {
        let text = String(repeating: "(", count: 200) + "true" + String(repeating: ")", count: 200)
        #expect(error(text)?.message.contains("nests deeper than") == true)
    }
}
