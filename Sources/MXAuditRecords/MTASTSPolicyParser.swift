import MXAuditModel

/// Reads an MTA-STS policy body (RFC 8461 §3.2) twice: by the strict RFC grammar, and as
/// tolerant senders do. Every line the two readings take differently is a warning with its line.
///
/// The lenient reading skips blank lines and a byte-order mark, ignores whitespace around keys
/// and bare CRs, compares keys and the `version`/`mode` values case-insensitively, strips a
/// final dot from `mx` names and caps `max_age` at 31557600 (any number of digits).
///
/// `max_age` above 31557600 (the grammar allows ten digits) is rejected by the strict reading
/// (`max_age_out_of_range`) and capped by the lenient one. For repeated `version`, `mode` and
/// `max_age` keys the first wins in both readings; unknown keys are ignored (kept as extensions).
public enum MTASTSPolicyParser {
    /// The largest `max_age` RFC 8461 §3.2 allows (about one year).
    public static let maximumMaxAge = 31_557_600

    private static let singleKeys: Set<String> = ["version", "mode", "max_age"]

    public static func parse(_ body: String) -> MTASTSPolicy {
        var reading = Reading()
        let lines = PolicyLines(body)
        if lines.cut {
            reading.findings.error("too_large", "the policy is larger than \(RecordLimits.policyBytes) bytes; only its start was read")
        }
        for line in lines.lines { reading.read(line) }
        reading.checkRequiredFields()
        return reading.policy
    }

    /// The policy a sender takes from a fetch: only an HTTP 200 over a WebPKI-valid connection
    /// counts (RFC 8461 §3.3). A fetch that failed stays a failure; a wrong status or a bad
    /// certificate means senders get no policy (`.absent`, the reason naming why).
    public static func policy(from fetch: Observation<HTTPFetch>) -> Observation<MTASTSPolicy> {
        fetch.flatMap { fetch in
            guard fetch.webPKI.valid else {
                let problem = fetch.webPKI.problem.map { " (\($0))" } ?? ""
                return .absent("the certificate of \(fetch.url) failed WebPKI validation\(problem), so senders get no policy")
            }
            guard let status = fetch.status, status == 200 else {
                let redirect = fetch.redirectLocation.map { " redirecting to \($0), which senders must not follow" } ?? ""
                return .absent("\(fetch.url) answered HTTP \(fetch.status.map(String.init) ?? "nothing")\(redirect); only 200 counts (RFC 8461 §3.3)")
            }
            guard !fetch.truncated else {
                return .failed(Failure(.limit, "the policy body of \(fetch.url) was cut at \(fetch.body.utf8.count) bytes"))
            }
            return .present(parse(fetch.body))
        }
    }

    /// One pass over the lines, keeping both readings side by side.
    private struct Reading {
        var findings = Findings()
        var version: String?, mode: MTASTSPolicy.Mode?, maxAge: Int?, mx: [String] = []
        var extensions: [String: String] = [:]
        var lenientMode: MTASTSPolicy.Mode?, lenientMaxAge: Int?, lenientMX: [String] = []
        /// Single-valued keys already seen: strict keys as written, lenient keys lower-cased, with their line.
        var strictSeen: Set<String> = []
        var lenientSeen: [String: Int] = [:]

        var policy: MTASTSPolicy {
            MTASTSPolicy(version: version, mode: mode, mx: mx, maxAge: maxAge, extensions: extensions,
                         errors: findings.errors, warnings: findings.warnings, lenientMode: lenientMode,
                         lenientMX: lenientMX, lenientMaxAge: lenientMaxAge)
        }

        mutating func read(_ line: PolicyLines.Line) {
            let number = line.number
            var lenientText = line.hasBareCR ? line.text.replacingOccurrences(of: "\r", with: " ") : line.text
            if number == 1, lenientText.hasPrefix("\u{FEFF}") { lenientText.removeFirst() }
            if Grammar.trimWSP(lenientText).isEmpty {
                findings.error("syntax", "line \(number) is blank; the grammar has no empty lines", line: number)
                findings.warning("lenient_blank_line", "lenient senders skip the blank line \(number)", line: number)
                return
            }
            guard let colon = line.text.firstIndex(of: ":"), let lenientColon = lenientText.firstIndex(of: ":") else {
                findings.error("syntax", "line \(number) has no ':' between key and value", line: number)
                return
            }
            let strictKey = String(line.text[..<colon])
            let strictValue = Grammar.trimWSP(line.text[line.text.index(after: colon)...])
            let strictProblem = line.hasBareCR ? Problem("syntax", "it holds a CR that does not end the line")
                : readStrict(key: strictKey, value: strictValue)
            if let strictProblem { findings.error(strictProblem.id, "line \(number): \(strictProblem.message)", line: number) }

            let lenientKey = Grammar.trimWSP(lenientText[..<lenientColon]).lowercased()
            let lenientValue = Grammar.trimWSP(lenientText[lenientText.index(after: lenientColon)...])
            let lenient = readLenient(key: lenientKey, value: lenientValue, line: number)
            switch lenient {
            case .used(let value) where strictProblem != nil || strictKey != lenientKey:
                let why = strictProblem.map { "; the RFC grammar rejects it: \($0.message)" }
                    ?? (strictKey != lenientKey ? "; the RFC grammar reads the key '\(strictKey)' (keys are case-sensitive, without spaces)" : "")
                findings.warning("lenient_reading", "lenient senders read line \(number) as '\(lenientKey): \(value)'\(why)", line: number)
            case .ignored where strictProblem != nil:
                findings.warning("lenient_ignored", "lenient senders ignore line \(number) as an unknown field; the RFC grammar rejects it", line: number)
            default:
                break
            }
        }

        /// Why the strict reading rejects a line: the error id and a sentence.
        struct Problem {
            let id: String
            let message: String
            init(_ id: String, _ message: String) { self.id = id; self.message = message }
        }

        /// Applies one line under the RFC grammar; returns its problem, if any.
        mutating func readStrict(key: String, value: String) -> Problem? {
            guard Grammar.isExtensionName(key) else {
                return Problem("syntax", "'\(key)' is not a field name (letters, digits, '_', '-', '.', at most 32, no spaces)")
            }
            if singleKeys.contains(key) {
                guard strictSeen.insert(key).inserted else { return nil } // the first one counts
            }
            switch key {
            case "version":
                guard value == "STSv1" else { return Problem("version_invalid", "version '\(value)' is not 'STSv1'") }
                version = value
            case "mode":
                guard let parsed = MTASTSPolicy.Mode(rawValue: value) else {
                    return Problem("mode_invalid", "mode '\(value)' is not one of enforce, testing, none (case-sensitive)")
                }
                mode = parsed
            case "max_age":
                guard Grammar.isDigits(value), value.utf8.count <= 10, let seconds = Int(value) else {
                    return Problem("max_age_invalid", "max_age '\(value)' is not 1 to 10 digits")
                }
                guard seconds <= MTASTSPolicyParser.maximumMaxAge else {
                    return Problem("max_age_out_of_range", "max_age \(seconds) is above the maximum of \(MTASTSPolicyParser.maximumMaxAge) seconds (RFC 8461 §3.2); mxaudit rejects it")
                }
                maxAge = seconds
            case "mx":
                if let problem = Self.patternProblem(value) { return problem }
                mx.append(value)
            default:
                guard Self.isExtensionValue(value) else {
                    return Problem("syntax", "the value of '\(key)' is empty or holds control characters")
                }
                if extensions[key] == nil { extensions[key] = value }
            }
            return nil
        }

        enum LenientUse { case used(String), ignored, unusable }

        /// Applies one line as tolerant senders read it.
        mutating func readLenient(key: String, value: String, line: Int) -> LenientUse {
            if singleKeys.contains(key) {
                if let first = lenientSeen[key] {
                    findings.warning("duplicate_key", "line \(line) repeats '\(key)' and is ignored; the first, on line \(first), counts", line: line)
                    return .ignored
                }
                lenientSeen[key] = line
            }
            switch key {
            case "version":
                return value.lowercased() == "stsv1" ? .used("STSv1") : .unusable
            case "mode":
                guard let parsed = MTASTSPolicy.Mode(rawValue: value.lowercased()) else { return .unusable }
                lenientMode = parsed
                return .used(parsed.rawValue)
            case "max_age":
                guard Grammar.isDigits(value) else { return .unusable }
                let seconds = value.utf8.count > 10 ? Int.max : (Int(value) ?? Int.max)
                let capped = min(seconds, MTASTSPolicyParser.maximumMaxAge)
                lenientMaxAge = capped
                return .used(String(capped))
            case "mx":
                var pattern = value.lowercased()
                if pattern.hasSuffix(".") { pattern.removeLast() }
                guard Self.patternProblem(pattern) == nil else { return .unusable }
                lenientMX.append(pattern)
                return .used(pattern)
            default:
                return .ignored
            }
        }

        mutating func checkRequiredFields() {
            if version == nil && !findings.hasError("version_invalid") {
                findings.error("version_missing", "the policy has no 'version: STSv1' line")
            }
            if mode == nil && !findings.hasError("mode_invalid") {
                findings.error("mode_missing", "the policy has no mode line")
            }
            if maxAge == nil && !findings.hasError("max_age_invalid") && !findings.hasError("max_age_out_of_range") {
                findings.error("max_age_missing", "the policy has no max_age line")
            }
            if let mode, mode != .none, mx.isEmpty, !findings.hasError("mx_invalid"), !findings.hasError("mx_ip_address") {
                findings.error("mx_missing", "mode \(mode.rawValue) needs at least one mx line (RFC 8461 §3.2)")
            }
        }

        /// `["*."] Domain` (RFC 8461 §3.2 with RFC 5321 `Domain`): a name, or `*.` and a name.
        static func patternProblem(_ pattern: String) -> Problem? {
            if HostnameSyntax.isIPAddress(pattern) {
                return Problem("mx_ip_address", "mx '\(pattern)' is an IP address; MX hosts are matched by name, so it covers nothing")
            }
            let name = pattern.hasPrefix("*.") ? pattern.dropFirst(2) : Substring(pattern)
            guard HostnameSyntax.isDomain(name) else {
                let dot = pattern.hasSuffix(".") ? " (a final dot is not allowed)" : ""
                return Problem("mx_invalid", "mx '\(pattern)' is not a host name or '*.' and a host name\(dot)")
            }
            return nil
        }

        /// `sts-policy-ext-value`: visible characters (UTF-8 allowed) and inner spaces, no controls.
        static func isExtensionValue(_ value: String) -> Bool {
            !value.isEmpty && value.unicodeScalars.allSatisfy { $0 == " " || ($0.value > 0x20 && $0.value != 0x7F && !(0x80...0x9F).contains($0.value)) }
        }
    }
}
