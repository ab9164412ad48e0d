import Foundation
import MXAuditTestSupport
import MXAuditModel
import MXAuditTestSupport

/// DNS answers read with `dig` against the testbed resolver: a stand-in for mxaudit's own DNS
/// client in tests of the record parsers (the audit engine uses the real client).
struct Dig: Sendable {
    let resolver: String

    struct Answer {
        /// NOERROR, NXDOMAIN, SERVFAIL …
        let status: String
        /// (type, rdata) of every answer record.
        let records: [(type: String, data: String)]
    }

    func query(_ name: String, _ type: String) async throws -> Answer {
        let text = try await ExternalCommand.run("/usr/bin/dig", ["+noall", "+comments", "+answer", "+time=3", "+tries=2", type, name, "@\(resolver)"]).standardOutput
        let status = text.range(of: #"status: ([A-Z]+)"#, options: .regularExpression)
            .map { String(text[$0].dropFirst("status: ".count)) } ?? "NO_ANSWER"
        let records = text.split(separator: "\n").filter { !$0.hasPrefix(";") }.compactMap { line -> (String, String)? in
            // owner TTL class type rdata…
            let fields = line.split(maxSplits: 4, whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count == 5 else { return nil }
            return (String(fields[3]), String(fields[4]))
        }
        return Answer(status: status, records: records)
    }

    /// The TXT RRset as the DNS layer would hand it to the parsers.
    func txt(_ name: String) async -> Observation<TXTRecordSet> {
        do {
            let answer = try await query(name, "TXT")
            switch answer.status {
            case "NOERROR":
                let records = answer.records.filter { $0.type == "TXT" }.map { TXTRecord(strings: Self.characterStrings($0.data)) }
                guard !records.isEmpty else { return .absent("NODATA for \(name)/TXT") }
                return .present(TXTRecordSet(name: name, records: records,
                                             dnssec: DNSSECVerdict(.indeterminate, reason: "read with dig", method: .resolver)))
            case "NXDOMAIN":
                return .absent("NXDOMAIN for \(name)")
            default:
                return .failed(Failure(.dnsError, "\(answer.status) for \(name)/TXT"))
            }
        } catch {
            return .failed(Failure(.local, "dig could not run: \(error)"))
        }
    }

    /// How many records of a type exist (for SPF void-lookup counting).
    func count(_ name: String, _ type: String) async -> Observation<Int> {
        guard let answer = try? await query(name, type) else { return .failed(Failure(.local, "dig could not run")) }
        switch answer.status {
        case "NOERROR":
            let count = answer.records.filter { $0.type == type }.count
            return count == 0 ? .absent("NODATA for \(name)/\(type)") : .present(count)
        case "NXDOMAIN": return .absent("NXDOMAIN for \(name)")
        default: return .failed(Failure(.dnsError, "\(answer.status) for \(name)/\(type)"))
        }
    }

    func addresses(_ name: String) async -> [String] {
        var result: [String] = []
        for type in ["A", "AAAA"] {
            result += ((try? await query(name, type))?.records ?? []).filter { $0.type == type }.map(\.data)
        }
        return result
    }

    /// The character-strings of TXT rdata in presentation form: `"a" "b\"c" "\195\188"`.
    static func characterStrings(_ rdata: String) -> [String] {
        var strings: [String] = []
        var current: [UInt8]?
        var bytes = Array(rdata.utf8)[...]
        while let byte = bytes.popFirst() {
            if byte == UInt8(ascii: "\"") {
                if let finished = current { strings.append(String(decoding: finished, as: UTF8.self)); current = nil } else { current = [] }
            } else if current != nil, byte == UInt8(ascii: "\\"), let next = bytes.first {
                let digits = bytes.prefix(3)
                if digits.count == 3, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                    current?.append(UInt8(truncatingIfNeeded: digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }))
                    bytes.removeFirst(3)
                } else {
                    current?.append(next)
                    bytes.removeFirst()
                }
            } else if current != nil {
                current?.append(byte)
            }
        }
        return strings
    }
}
