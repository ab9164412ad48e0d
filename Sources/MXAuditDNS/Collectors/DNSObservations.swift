import MXAuditModel

/// Turns lookups into evidence observations with one policy everywhere: a lookup failure is
/// `.failed`; a denial is `.absent` only when it is proven (secure) or cannot be proven (insecure
/// zone); a denial in a secure zone that fails validation is `.failed(.bogus)`, never an absence.
public struct DNSObservations: Sendable {
    public let lookup: DNSLookup

    public init(lookup: DNSLookup) { self.lookup = lookup }

    /// Every TXT record at `name`.
    public func txt(_ name: String) async -> Observation<TXTRecordSet> {
        await observe(name, DNSType.txt) { answer in
            TXTRecordSet(name: answer.canonicalName, records: answer.records.map { TXTRecord(strings: Self.characterStrings($0.rdata)) },
                         dnssec: answer.dnssec)
        }
    }

    /// The A or AAAA records of `name`.
    public func addresses(_ name: String, type: UInt16) async -> (Observation<AddressSet>, DNSAnswer?) {
        let result = await lookup.lookup(name, type)
        let observation = Self.observation(result, name: name, type: type) { answer in
            AddressSet(addresses: answer.records.compactMap(\.fields.first), dnssec: answer.dnssec)
        }
        return (observation, try? result.get())
    }

    /// Whether `name` exists (NOERROR, even as an empty non-terminal) or is proven not to (NXDOMAIN).
    public func exists(_ name: String) async -> Observation<Bool> {
        let result = await lookup.lookup(name, DNSType.txt)
        switch result {
        case .failure(let failure): return .failed(failure)
        case .success(let answer):
            if answer.isNXDOMAIN {
                if answer.dnssec.status == .bogus { return .failed(Failure(.bogus, answer.dnssec.reason ?? "bogus denial")) }
                return .absent("\(name) does not exist (NXDOMAIN\(Self.proofNote(answer.dnssec)))")
            }
            return .present(true)
        }
    }

    func observe<Value>(_ name: String, _ type: UInt16, _ makeValue: (DNSAnswer) -> Value) async -> Observation<Value> {
        Self.observation(await lookup.lookup(name, type), name: name, type: type, makeValue)
    }

    static func observation<Value>(_ result: Result<DNSAnswer, Failure>, name: String, type: UInt16,
                                   _ makeValue: (DNSAnswer) -> Value) -> Observation<Value> {
        switch result {
        case .failure(let failure):
            return .failed(failure)
        case .success(let answer) where answer.records.isEmpty:
            if answer.dnssec.status == .bogus {
                return .failed(Failure(.bogus, answer.dnssec.reason ?? "the denial of \(name)/\(DNSType.name(type)) is bogus"))
            }
            if answer.dnssec.status == .indeterminate {
                return .failed(Failure(.dnsError, answer.dnssec.reason ?? "the denial of \(name)/\(DNSType.name(type)) could not be validated"))
            }
            let what = answer.isNXDOMAIN ? "NXDOMAIN" : "no \(DNSType.name(type)) records"
            return .absent("\(what) at \(answer.canonicalName)\(proofNote(answer.dnssec))")
        case .success(let answer):
            return .present(makeValue(answer))
        }
    }

    static func proofNote(_ verdict: DNSSECVerdict) -> String {
        switch verdict.status {
        case .secure: return verdict.reason.map { ", \($0)" } ?? ", DNSSEC-proven"
        case .insecure: return ", unsigned zone"
        default: return ""
        }
    }

    /// The character-strings of TXT RDATA (length-prefixed), decoded as UTF-8 with replacement.
    static func characterStrings(_ rdata: [UInt8]) -> [String] {
        var strings: [String] = []
        var index = 0
        while index < rdata.count {
            let length = Int(rdata[index])
            let end = min(rdata.count, index + 1 + length)
            strings.append(String(decoding: rdata[(index + 1)..<end], as: UTF8.self))
            index = end
        }
        return strings
    }
}
