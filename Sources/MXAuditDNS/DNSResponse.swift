import CMXAuditLDNS
import Foundation

/// A DNS response as Swift values plus its wire form (kept so the validator can re-read it with
/// ldns). Immutable and `Sendable`, so one response can be shared by every domain that needs it.
public struct DNSResponse: Sendable {
    public var queryName: String
    public var queryType: UInt16
    public var rcode: UInt8
    /// The resolver's AD bit (used only with `--dnssec resolver`).
    public var authenticatedData: Bool
    /// The answer section's records, signatures left out: lookups read names, addresses and
    /// text; the validator reads the RRSIGs from `wire`. (Every RRSIG field as text was most of
    /// the text conversions of an audit.)
    public var answer: [DNSRecord]
    /// How many records the authority section holds (read in full from `wire` when needed).
    public var authorityCount: Int
    public var wire: [UInt8]
    public var server: ResolverAddress
    /// The message read when the response arrived, handed to its first reader (see `message()`).
    private let firstReading: FirstReading

    init(queryName: String, queryType: UInt16, message: DNSMessage, wire: [UInt8], server: ResolverAddress) {
        self.queryName = queryName
        self.queryType = queryType
        rcode = message.rcode
        authenticatedData = message.authenticatedData
        answer = message.records(in: LDNS_SECTION_ANSWER) { LDNSRecord.type($0) != DNSType.rrsig }
        authorityCount = message.count(in: LDNS_SECTION_AUTHORITY)
        self.wire = wire
        self.server = server
        firstReading = FirstReading(message)
    }

    /// The response as an ldns message, for the validator. The first reader gets the one parsed
    /// when the response arrived (most responses have exactly one reader, and reading the wire
    /// again was a second parse per query); later readers parse `wire` anew, so a cached response
    /// keeps no ldns structures alive.
    func message() throws(LDNSError) -> DNSMessage {
        if let message = firstReading.take() { return message }
        return try DNSMessage(wire: wire)
    }

    /// The authority section's records, read from `wire` (nothing when it cannot be read).
    public var authority: [DNSRecord] { (try? DNSMessage(wire: wire))?.authority ?? [] }
}

/// DNS numbers used across the target.
public enum DNSType {
    public static let a: UInt16 = 1
    public static let ns: UInt16 = 2
    public static let cname: UInt16 = 5
    public static let soa: UInt16 = 6
    public static let mx: UInt16 = 15
    public static let txt: UInt16 = 16
    public static let aaaa: UInt16 = 28
    public static let ds: UInt16 = 43
    public static let rrsig: UInt16 = 46
    public static let nsec: UInt16 = 47
    public static let dnskey: UInt16 = 48
    public static let nsec3: UInt16 = 50
    public static let tlsa: UInt16 = 52

    public static func name(_ type: UInt16) -> String {
        switch type {
        case a: return "A"
        case ns: return "NS"
        case cname: return "CNAME"
        case soa: return "SOA"
        case mx: return "MX"
        case txt: return "TXT"
        case aaaa: return "AAAA"
        case ds: return "DS"
        case rrsig: return "RRSIG"
        case nsec: return "NSEC"
        case dnskey: return "DNSKEY"
        case nsec3: return "NSEC3"
        case tlsa: return "TLSA"
        default: return "TYPE\(type)"
        }
    }
}

public enum DNSRcode {
    public static let noError: UInt8 = 0
    public static let serverFailure: UInt8 = 2
    public static let nameError: UInt8 = 3
    public static let refused: UInt8 = 5

    public static func name(_ rcode: UInt8) -> String {
        switch rcode {
        case 0: return "NOERROR"
        case 1: return "FORMERR"
        case 2: return "SERVFAIL"
        case 3: return "NXDOMAIN"
        case 4: return "NOTIMP"
        case 5: return "REFUSED"
        default: return "RCODE\(rcode)"
        }
    }
}

/// A parsed message given away once. The message is not shared: whoever takes it owns it.
private final class FirstReading: @unchecked Sendable {
    private let lock = NSLock()
    private var message: DNSMessage?

    init(_ message: DNSMessage) { self.message = message }

    func take() -> DNSMessage? {
        lock.withLock {
            defer { message = nil }
            return message
        }
    }
}
