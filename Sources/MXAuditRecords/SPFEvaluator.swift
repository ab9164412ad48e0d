import MXAuditModel

/// The DNS questions SPF mechanisms ask besides TXT (for void-lookup counting).
public enum SPFHostQuery: String, Sendable { case a, aaaa, mx }

/// How many records of a type a name has: `.present(count)`, `.absent` for NXDOMAIN or NODATA,
/// `.failed` when it could not be told.
public typealias SPFHostLookup = @Sendable (String, SPFHostQuery) async -> Observation<Int>

/// SPF (RFC 7208): finds the one `v=spf1` record, reads its terms and counts what evaluating
/// them costs in DNS lookups, following `include:` and `redirect=` through the injected lookup.
///
/// The count assumes every term is evaluated (the worst case a receiver can meet): terms after
/// `all` are not counted, because receivers never reach them. Macros that need the sender
/// (`%{i}` …) are counted but not followed. Void lookups are counted for include and redirect
/// targets and, when a host lookup is given, for a, mx and exists targets.
public struct SPFEvaluator: Sendable {
    public static let lookupLimit = 10
    public static let voidLookupLimit = 2
    /// Bounds on one evaluation (include loops, huge trees): far above the limits, so the counts
    /// are exact wherever they matter.
    public static let maximumCountedLookups = 50
    public static let maximumQueries = 40

    private let lookup: TXTLookup
    private let hostLookup: SPFHostLookup?

    public init(lookup: @escaping TXTLookup, hostLookup: SPFHostLookup? = nil) {
        self.lookup = lookup
        self.hostLookup = hostLookup
    }

    public func evaluate(domain: String, txt: Observation<TXTRecordSet>) async -> Observation<SPFRecord> {
        let domain = Self.normalise(domain)
        return await VersionedTXT.discover(txt, protocolName: "v=spf1", consequence: "receivers return permerror (RFC 7208 §4.5)",
                                           matches: SPFRecordText.isSPF, single: { text in
            let record = SPFRecordText(text)
            var walk = SPFWalk(lookup: lookup, hostLookup: hostLookup)
            let qualifier = await walk.visit(record, domain: domain, chain: [domain])
            return walk.result(text: text, allQualifier: qualifier, redirect: record.redirect)
        }, multiple: { finding in
            SPFRecord(text: "", allQualifier: nil, redirect: nil, dnsLookups: 0, voidLookups: 0, lookupsComplete: true,
                      errors: [finding], warnings: [])
        })
    }

    static func normalise(_ name: String) -> String { DomainName.comparable(name) }
}

/// The state of one evaluation: counts, findings and the lookups already made.
private struct SPFWalk {
    let lookup: TXTLookup
    let hostLookup: SPFHostLookup?
    var lookups = 0
    var voids = 0
    var queries = 0
    var complete = true
    var stopped = false
    var findings = Findings()
    var txtCache: [String: Observation<TXTRecordSet>] = [:]

    init(lookup: @escaping TXTLookup, hostLookup: SPFHostLookup?) {
        self.lookup = lookup
        self.hostLookup = hostLookup
    }

    func result(text: String, allQualifier: String?, redirect: String?) -> SPFRecord {
        var findings = findings
        if lookups > SPFEvaluator.lookupLimit {
            findings.error("too_many_lookups", "evaluating the record takes \(lookups)\(complete ? "" : " or more") DNS-querying terms (include, a, mx, ptr, exists, redirect); RFC 7208 §4.6.4 allows \(SPFEvaluator.lookupLimit), so receivers return permerror")
        }
        if voids > SPFEvaluator.voidLookupLimit {
            findings.error("too_many_void_lookups", "\(voids) lookups find no records; RFC 7208 §4.6.4 allows \(SPFEvaluator.voidLookupLimit), so receivers return permerror")
        }
        if allQualifier == nil {
            findings.warning("no_all", "neither an all mechanism nor a redirect ends the record: mail from unlisted senders gets the neutral result")
        }
        if stopped {
            findings.warning("evaluation_stopped", "mxaudit stopped following includes after \(SPFEvaluator.maximumCountedLookups) counted lookups or \(SPFEvaluator.maximumQueries) queries; the counts are lower bounds")
        }
        return SPFRecord(text: text, allQualifier: allQualifier, redirect: redirect, dnsLookups: lookups, voidLookups: voids,
                         lookupsComplete: complete, errors: findings.errors, warnings: findings.warnings)
    }

    /// Counts one record's terms; returns its effective `all` qualifier (through redirect=).
    mutating func visit(_ record: SPFRecordText, domain: String, chain: [String]) async -> String? {
        let place = chain.count == 1 ? "" : "in \(domain) (reached through \(chain.joined(separator: " → "))): "
        for problem in record.problems { findings.error("syntax", place + problem) }
        var qualifier: String?
        for term in record.terms {
            // Modifiers may stand anywhere; only mechanisms after all are dead.
            guard case .mechanism(let mechanism, let termQualifier) = term.kind else { continue }
            if qualifier != nil {
                findings.warning("terms_after_all", place + "\"\(term.text)\" follows all and is never evaluated")
                continue
            }
            switch mechanism {
            case .all:
                qualifier = String(termQualifier)
            case .include:
                lookups += 1
                _ = await follow(term.target ?? "", from: domain, chain: chain, via: "include")
            case .a, .mx, .exists, .ptr:
                lookups += 1
                if mechanism == .ptr {
                    findings.warning("ptr_discouraged", place + "\"\(term.text)\": RFC 7208 §5.5 says ptr SHOULD NOT be used (slow, unreliable)")
                }
                await countVoid(mechanism, target: term.target ?? domain, place: place)
            case .ip4, .ip6:
                break
            }
        }
        if let redirect = record.redirect {
            if qualifier != nil {
                findings.warning("redirect_ignored", place + "redirect=\(redirect) is ignored because the record has an all mechanism")
            } else {
                lookups += 1
                qualifier = await follow(redirect, from: domain, chain: chain, via: "redirect")
            }
        }
        return qualifier
    }

    /// Follows an include or redirect target; returns the target's effective `all` qualifier.
    private mutating func follow(_ target: String, from domain: String, chain: [String], via kind: String) async -> String? {
        guard !SPFRecordText.hasMacro(target) else {
            complete = false
            findings.warning("macro_not_expanded", "\(kind):\(target) uses a macro that needs the sender; its terms are not counted")
            return nil
        }
        let name = SPFEvaluator.normalise(target)
        guard !chain.contains(name) else {
            findings.error("include_loop", "\(kind):\(name) loops back (\((chain + [name]).joined(separator: " → "))); receivers return permerror")
            return nil
        }
        guard lookups <= SPFEvaluator.maximumCountedLookups, let txt = await txtRecords(name) else {
            stopped = true
            complete = false
            return nil
        }
        let missingID = kind == "redirect" ? "redirect_missing" : "include_missing"
        switch VersionedTXT.select(txt, protocolName: "v=spf1", matches: SPFRecordText.isSPF) {
        case .present(let texts) where texts.count == 1:
            return await visit(SPFRecordText(texts[0]), domain: name, chain: chain + [name])
        case .present(let texts):
            findings.error("include_multiple", "\(kind):\(name) has \(texts.count) SPF records; receivers return permerror")
        case .absent(let reason):
            if txt.value == nil { voids += 1 }
            findings.error(missingID, "\(kind):\(name) has no SPF record (\(reason)); receivers return permerror (RFC 7208 §5.2, §6.1)")
        case .failed(let failure):
            complete = false
            findings.warning("lookup_failed", "\(kind):\(name) could not be looked up: \(failure.message); the counts are lower bounds")
        case .skipped(let reason):
            complete = false
            findings.warning("lookup_failed", "\(kind):\(name) was not looked up: \(reason)")
        }
        return nil
    }

    /// The TXT records of a name, looked up once per evaluation and within the query bound.
    private mutating func txtRecords(_ name: String) async -> Observation<TXTRecordSet>? {
        if let cached = txtCache[name] { return cached }
        guard reserveQuery() else { return nil }
        let answer = await lookup(name)
        txtCache[name] = answer
        return answer
    }

    /// Whether another query fits within the bounds; marks the evaluation stopped when not.
    private mutating func reserveQuery() -> Bool {
        guard queries < SPFEvaluator.maximumQueries else {
            stopped = true
            complete = false
            return false
        }
        queries += 1
        return true
    }

    /// Void-lookup counting for a, mx and exists (RFC 7208 §4.6.4), when a host lookup is given.
    private mutating func countVoid(_ mechanism: SPFRecordText.Mechanism, target: String, place: String) async {
        guard let hostLookup, mechanism != .ptr, !SPFRecordText.hasMacro(target) else { return }
        let name = SPFEvaluator.normalise(target)
        let questions: [SPFHostQuery] = mechanism == .mx ? [.mx] : mechanism == .exists ? [.a] : [.a, .aaaa]
        for question in questions {
            guard reserveQuery() else { return }
            switch await hostLookup(name, question) {
            case .present(let count) where count > 0:
                if mechanism == .mx && count > 10 {
                    findings.error("mx_too_many_names", place + "mx:\(name) has \(count) MX records; RFC 7208 §4.6.4 allows 10, so receivers return permerror")
                }
                return
            case .present, .absent:
                continue
            case .failed(let failure):
                complete = false
                findings.warning("lookup_failed", place + "\(question.rawValue.uppercased()) of \(name) could not be looked up: \(failure.message)")
                return
            case .skipped:
                return
            }
        }
        voids += 1
    }
}
