import MXAuditModel
@testable import MXAuditTLS
import Testing

/// The reader of a server's first flight, on hand-built records: every way the facts can be
/// spread over records and reads, and every malformation a hostile server can send.
@Suite("Server first-flight reader")
struct ServerFlightReaderTests {
    // MARK: building records

    static func record(_ type: UInt8, _ payload: [UInt8]) -> [UInt8] {
        [type, 3, 3, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)] + payload
    }

    static func message(_ type: UInt8, _ body: [UInt8]) -> [UInt8] {
        [type, UInt8(body.count >> 16), UInt8((body.count >> 8) & 0xFF), UInt8(body.count & 0xFF)] + body
    }

    static func u16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }

    static func serverHello(version: UInt16 = 0x0303, suite: UInt16, random: [UInt8] = Array(repeating: 7, count: 32),
                            compression: UInt8 = 0, extensions: [(UInt16, [UInt8])] = []) -> [UInt8] {
        var body = u16(version) + random + [4, 1, 2, 3, 4] + u16(suite) + [compression]
        if !extensions.isEmpty {
            let encoded = extensions.flatMap { u16($0.0) + u16(UInt16($0.1.count)) + $0.1 }
            body += u16(UInt16(encoded.count)) + encoded
        }
        return message(2, body)
    }

    static let certificate = message(11, Array(repeating: 0x30, count: 3_000))
    static let ecdheKeyExchange = message(12, [3] + u16(23) + [65] + Array(repeating: 4, count: 65) + Array(repeating: 9, count: 72))
    static let helloDone = message(14, [])

    /// ECDHE suites (0xC0xx) need the ServerKeyExchange, 0x009E is DHE, the rest are RSA or TLS 1.3.
    static func reader() -> ServerFlightReader {
        ServerFlightReader { suite in
            switch suite {
            case 0xC000...0xC0FF: return .ecdhe
            case 0x009E: return .dhe
            default: return nil
            }
        }
    }

    /// Feeds `bytes` in reads of `chunk` bytes; the first answer that is not "need more".
    static func read(_ bytes: [UInt8], chunk: Int = .max) throws(ServerFlightReader.Malformed) -> ServerFlightReader.Progress {
        var reader = reader()
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + min(chunk, bytes.count))
            let progress = try reader.consume(bytes[offset..<end])
            if progress != .needMore { return progress }
            offset = end
        }
        return .needMore
    }

    static func malformed(_ bytes: [UInt8]) -> String? {
        do {
            _ = try read(bytes)
            return nil
        } catch {
            return error.description
        }
    }

    // MARK: facts

    @Test func tls12ECDHETakesTheCurveFromTheKeyExchangeWhateverTheRecordsAndReads() throws {
        let messages = Self.serverHello(suite: 0xC02B) + Self.certificate + Self.ecdheKeyExchange + Self.helloDone
        let expected = ServerHelloFacts(version: 0x0303, cipherSuite: 0xC02B, group: 23)
        // All in one record, one record per message, and messages split across records.
        let oneRecord = Self.record(22, messages)
        let perMessage = [Self.serverHello(suite: 0xC02B), Self.certificate, Self.ecdheKeyExchange, Self.helloDone]
            .flatMap { Self.record(22, $0) }
        let split = Self.record(22, Array(messages[0..<1_500])) + Self.record(22, Array(messages[1_500...]))
        for flight in [oneRecord, perMessage, split] {
            for chunk in [1, 7, 1_000, Int.max] {
                #expect(try Self.read(flight, chunk: chunk) == .done(expected), "chunk \(chunk)")
            }
        }
    }

    @Test func theAnswerComesBeforeTheRestOfTheFlight() throws {
        // Without the ServerHelloDone (or anything after the key exchange) the facts are known.
        let flight = Self.record(22, Self.serverHello(suite: 0xC02F) + Self.certificate + Self.ecdheKeyExchange)
        #expect(try Self.read(flight) == .done(ServerHelloFacts(version: 0x0303, cipherSuite: 0xC02F, group: 23)))
        let partial = Self.record(22, Self.serverHello(suite: 0xC02F) + Self.certificate)
        #expect(try Self.read(partial) == .needMore)
    }

    @Test func dheReportsThePrimeSize() throws {
        let prime2048 = [0x80] + Array(repeating: UInt8(0xFF), count: 255)
        let prime1023 = [0x00, 0x7F] + Array(repeating: UInt8(0xFF), count: 127) // a leading zero byte is not a bit
        for (prime, bits) in [(prime2048, 2048), (prime1023, 1023)] {
            let exchange = Self.message(12, Self.u16(UInt16(prime.count)) + prime + [0, 1, 2] + [0, 1, 5])
            let flight = Self.record(22, Self.serverHello(suite: 0x009E) + Self.certificate + exchange)
            #expect(try Self.read(flight) == .done(ServerHelloFacts(version: 0x0303, cipherSuite: 0x009E, dhPrimeBits: bits)))
        }
    }

    @Test func rsaKeyExchangeIsKnownFromTheServerHello() throws {
        let flight = Self.record(22, Self.serverHello(version: 0x0301, suite: 0x002F))
        #expect(try Self.read(flight) == .done(ServerHelloFacts(version: 0x0301, cipherSuite: 0x002F)))
    }

    @Test func tls13TakesVersionAndGroupFromTheExtensions() throws {
        let share = Self.u16(29) + Self.u16(32) + Array(repeating: 1, count: 32)
        let hello = Self.serverHello(suite: 0x1302, extensions: [(43, Self.u16(0x0304)), (51, share)])
        // What follows the ServerHello in TLS 1.3 is encrypted and never needed.
        let flight = Self.record(22, hello) + Self.record(20, [1]) + Self.record(23, Array(repeating: 0xAA, count: 100))
        #expect(try Self.read(flight) == .done(ServerHelloFacts(version: 0x0304, cipherSuite: 0x1302, group: 29)))
    }

    @Test func aHelloRetryRequestNamesTheGroupTheServerWants() throws {
        let hello = Self.serverHello(suite: 0x1301, random: ServerFlightReader.helloRetryRandom,
                                     extensions: [(43, Self.u16(0x0304)), (51, Self.u16(23))])
        #expect(try Self.read(Self.record(22, hello))
                == .done(ServerHelloFacts(version: 0x0304, cipherSuite: 0x1301, group: 23, helloRetryRequest: true)))
    }

    @Test func aHelloRequestBeforeTheServerHelloIsIgnored() throws {
        let flight = Self.record(22, Self.message(0, []) + Self.serverHello(suite: 0x002F))
        #expect(try Self.read(flight) == .done(ServerHelloFacts(version: 0x0303, cipherSuite: 0x002F)))
    }

    @Test func anAlertIsARefusalThatNamesIt() throws {
        #expect(try Self.read(Self.record(21, [2, 70])) == .refused("the server answered with the TLS alert protocol_version (70)"))
        #expect(try Self.read(Self.record(21, [2, 200])) == .refused("the server answered with the TLS alert alert (200)"))
    }

    // MARK: malformations

    @Test func everyMalformationIsNamed() {
        let cases: [(String, [UInt8], String)] = [
            ("plain text", Array("HTTP/1.1 400 Bad Request\r\n".utf8), "is not a TLS record"),
            ("huge record", [22, 3, 3, 0xFF, 0xFF], "TLS record of 65535 bytes"),
            ("application data first", Self.record(23, [1, 2, 3]), "record of type 23"),
            ("truncated alert", Self.record(21, [2]), "truncated alert"),
            ("certificate first", Self.record(22, Self.certificate), "message 11 where its ServerHello belongs"),
            ("truncated hello", Self.record(22, Self.message(2, [3, 3] + Array(repeating: 0, count: 20))), "ServerHello random is truncated"),
            ("compression", Self.record(22, Self.serverHello(suite: 0x002F, compression: 1)), "compression"),
            ("repeated extension", Self.record(22, Self.serverHello(suite: 0x1301, extensions: [(43, Self.u16(0x0304)), (43, Self.u16(0x0304))])),
             "repeats extension 43"),
            ("1.3 without supported_versions", Self.record(22, Self.serverHello(version: 0x0304, suite: 0x1301)),
             "without supported_versions"),
            ("no key exchange", Self.record(22, Self.serverHello(suite: 0xC02B) + Self.certificate + Self.helloDone),
             "no ServerKeyExchange"),
            ("explicit curve", Self.record(22, Self.serverHello(suite: 0xC02B) + Self.message(12, [1, 0, 0])), "curve type 1"),
            ("zero prime", Self.record(22, Self.serverHello(suite: 0x009E) + Self.message(12, [0, 2, 0, 0])), "DH prime is zero"),
            ("trailing bytes", Self.record(22, Self.message(2, Array(Self.serverHello(suite: 0x002F).dropFirst(4)) + [0, 0, 9])),
             "trailing bytes"),
        ]
        for (label, bytes, expected) in cases {
            let description = Self.malformed(bytes)
            #expect(description?.contains(expected) == true, "\(label): \(description ?? "accepted")")
        }
    }

    @Test func aFlightWithoutEndIsCutAtTheBound() {
        var reader = Self.reader()
        // A Certificate message announced as 16 MiB, sent in full-size records.
        var outcome: String?
        var bytes = Self.record(22, Self.serverHello(suite: 0xC02B) + [11, 0xFF, 0xFF, 0xFF])
        for _ in 0..<40 {
            do {
                _ = try reader.consume(bytes)
            } catch {
                outcome = error.description
                break
            }
            bytes = Self.record(22, Array(repeating: 0, count: 16_384))
        }
        #expect(outcome?.contains("more than 256 KiB") == true, "\(outcome ?? "never cut")")
    }
}
