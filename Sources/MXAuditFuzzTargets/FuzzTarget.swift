import Foundation
import MXAuditInventory
import MXAuditModel
import MXAuditRecords
import MXAuditRules

/// The parsers that read attacker-controlled or user-written text, as fuzzing entry points. Each
/// takes arbitrary bytes and must return without crashing, hanging or growing without bound.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// An MTA-STS policy body (RFC 8461 §3.2), strict and lenient readings.
    case mtaSTSPolicy = "mta-sts-policy"
    /// TXT records (NUL-separated) through the STS, TLS-RPT, SPF, DMARC and DKIM parsers.
    case txtRecords = "txt-records"
    /// A rule-set condition through the expression parser and type checker, in every scope.
    case ruleExpression = "rule-expression"
    /// An inventory, read as YAML and as CSV.
    case inventory

    public func run(_ data: [UInt8]) async {
        let text = String(decoding: data, as: UTF8.self)
        switch self {
        case .mtaSTSPolicy:
            _ = MTASTSPolicyParser.parse(text)
        case .txtRecords:
            let records = data.split(separator: 0, omittingEmptySubsequences: false)
                .map { TXTRecord(strings: [String(decoding: $0, as: UTF8.self)]) }
            let set = Observation.present(TXTRecordSet(name: "fuzz.example", records: records, dnssec: DNSSECVerdict(.insecure)))
            _ = STSRecordParser.discover(set)
            _ = TLSRPTParser.parse(set)
            _ = DKIMKeyParser.parse(set)
            _ = DMARCRecordParser.parse(text)
            _ = await SPFEvaluator(lookup: { _ in .absent("fuzzing: no DNS") }).evaluate(domain: "fuzz.example", txt: set)
        case .ruleExpression:
            for scope in RuleScope.allCases { _ = RuleExpression.problem(in: text, scope: scope) }
        case .inventory:
            let loader = InventoryLoader(knownRulesets: ["mta-sts-baseline", "bsi-tr-03108", "nl-comply-or-explain"])
            _ = try? loader.parseYAML(text, file: "fuzz.yaml")
            _ = try? loader.parseCSV(text, file: "fuzz.csv")
        }
    }
}

extension FuzzTarget {
    /// Runs the target to completion from a synchronous caller that is not a Swift concurrency
    /// thread (libFuzzer's callback, a replayer's main): waiting here on a pool thread would
    /// deadlock the pool.
    public func runBlocking(_ data: [UInt8]) {
        let done = DispatchSemaphore(value: 0)
        Task {
            await run(data)
            done.signal()
        }
        done.wait()
    }
}
