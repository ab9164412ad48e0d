/// What a server's first flight says about its choices: enough to answer "does it accept this
/// offer, and with what", without completing the handshake.
struct ServerHelloFacts: Sendable, Equatable {
    /// The negotiated version (from supported_versions for TLS 1.3).
    var version: UInt16
    var cipherSuite: UInt16
    /// The key-exchange group: TLS 1.3 key_share (or the HelloRetryRequest's choice), TLS ≤ 1.2 the
    /// ECDHE named curve of the ServerKeyExchange; nil otherwise.
    var group: UInt16?
    /// TLS ≤ 1.2 DHE: the bit length of the server's prime.
    var dhPrimeBits: Int?
    var helloRetryRequest = false
}

/// Reads TLS records of a server's first flight (as bytes arrive) until the facts are known:
/// the ServerHello for TLS 1.3 and for suites without an ephemeral key exchange, the
/// ServerKeyExchange for ECDHE/DHE suites at TLS ≤ 1.2. Certificates are skipped unread.
///
/// The input is hostile: every length is checked against what is buffered and the whole flight is
/// bounded, so a server can make it fail but not read out of bounds or grow without limit.
struct ServerFlightReader {
    enum Progress: Equatable {
        case needMore
        case done(ServerHelloFacts)
        /// The server answered with an alert (a refusal); the text names it.
        case refused(String)
    }

    struct Malformed: Error, Equatable, CustomStringConvertible {
        let description: String
    }

    /// The ephemeral key exchanges whose group only the ServerKeyExchange tells (TLS ≤ 1.2).
    enum EphemeralKeyExchange { case ecdhe, dhe }

    /// The ephemeral key exchange of a suite (by its two-byte id), nil for none (RSA, TLS 1.3 suites).
    let ephemeralKeyExchange: (UInt16) -> EphemeralKeyExchange?
    /// The most bytes read before giving up; real chains fit easily.
    static let maximumFlightBytes = 256 * 1024

    private var records: [UInt8] = []
    private var handshake: [UInt8] = []
    private var consumed = 0
    /// A TLS ≤ 1.2 ServerHello whose ServerKeyExchange is still to come.
    private var awaitingKeyExchange: (hello: ServerHelloFacts, kind: EphemeralKeyExchange)?
    private var sawServerHello = false

    init(ephemeralKeyExchange: @escaping (UInt16) -> EphemeralKeyExchange?) {
        self.ephemeralKeyExchange = ephemeralKeyExchange
    }

    /// SHA-256("HelloRetryRequest"), the random of a HelloRetryRequest (RFC 8446 §4.1.3).
    static let helloRetryRandom: [UInt8] = [
        0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
        0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
    ]

    mutating func consume(_ bytes: some Collection<UInt8>) throws(Malformed) -> Progress {
        consumed += bytes.count
        guard consumed <= Self.maximumFlightBytes else {
            throw Malformed(description: "the server sent more than \(Self.maximumFlightBytes / 1024) KiB without finishing its hello")
        }
        records.append(contentsOf: bytes)
        var offset = 0
        defer { records.removeFirst(offset) }
        while records.count - offset >= 5 {
            let type = records[offset]
            guard records[offset + 1] == 3 else {
                throw Malformed(description: "the server's answer is not a TLS record (it begins 0x\(hex(records[offset])) 0x\(hex(records[offset + 1])))")
            }
            let length = Int(records[offset + 3]) << 8 | Int(records[offset + 4])
            guard length <= 16_384 + 2_048 else { throw Malformed(description: "the server sent a TLS record of \(length) bytes") }
            guard records.count - offset >= 5 + length else { break }
            let fragment = records[(offset + 5)..<(offset + 5 + length)]
            offset += 5 + length
            switch type {
            case 21:
                guard fragment.count >= 2 else { throw Malformed(description: "the server sent a truncated alert") }
                return .refused("the server answered with the TLS alert \(Self.alertName(fragment[fragment.startIndex + 1]))")
            case 22:
                handshake.append(contentsOf: fragment)
                if let facts = try readMessages() { return .done(facts) }
            default:
                throw Malformed(description: "the server sent a TLS record of type \(type) before its hello was complete")
            }
        }
        return .needMore
    }

    /// Reads the complete handshake messages buffered so far; the facts once they are known.
    private mutating func readMessages() throws(Malformed) -> ServerHelloFacts? {
        var offset = 0
        defer { handshake.removeFirst(offset) }
        while handshake.count - offset >= 4 {
            let type = handshake[offset]
            let length = Int(handshake[offset + 1]) << 16 | Int(handshake[offset + 2]) << 8 | Int(handshake[offset + 3])
            guard handshake.count - offset >= 4 + length else { return nil }
            var body = ByteCursor(handshake[(offset + 4)..<(offset + 4 + length)])
            offset += 4 + length
            guard sawServerHello else {
                switch type {
                case 0: continue // HelloRequest: a client ignores it during a handshake (RFC 5246 §7.4.1.1)
                case 2: break
                default: throw Malformed(description: "the server sent handshake message \(type) where its ServerHello belongs")
                }
                sawServerHello = true
                let facts = try Self.serverHello(&body)
                guard facts.version < 0x0304, !facts.helloRetryRequest,
                      let kind = ephemeralKeyExchange(facts.cipherSuite) else { return facts }
                awaitingKeyExchange = (facts, kind)
                continue
            }
            guard let (hello, kind) = awaitingKeyExchange else {
                throw Malformed(description: "the server sent handshake message \(type) after a complete hello")
            }
            switch type {
            case 11, 13, 22: continue // Certificate, CertificateRequest, CertificateStatus: not needed
            case 12: return try Self.keyExchange(&body, kind: kind, after: hello)
            case 14: throw Malformed(description: "the server sent no ServerKeyExchange for an ephemeral key exchange")
            default: throw Malformed(description: "the server sent handshake message \(type) before its ServerKeyExchange")
            }
        }
        return nil
    }

    private static func serverHello(_ body: inout ByteCursor) throws(Malformed) -> ServerHelloFacts {
        let legacyVersion = try body.uint16("ServerHello version")
        let random = try body.bytes(32, "ServerHello random")
        _ = try body.vector(lengthBytes: 1, "ServerHello session id")
        let suite = try body.uint16("ServerHello cipher suite")
        guard try body.uint8("ServerHello compression") == 0 else {
            throw Malformed(description: "the server chose TLS compression, which was not offered")
        }
        var selectedVersion: UInt16?
        var group: UInt16?
        if !body.isEmpty {
            var extensions = ByteCursor(try body.vector(lengthBytes: 2, "ServerHello extensions"))
            var seen: Set<UInt16> = []
            while !extensions.isEmpty {
                let type = try extensions.uint16("extension type")
                var data = ByteCursor(try extensions.vector(lengthBytes: 2, "extension \(type)"))
                guard seen.insert(type).inserted else { throw Malformed(description: "the ServerHello repeats extension \(type)") }
                switch type {
                case 43: selectedVersion = try data.uint16("supported_versions")
                case 51: group = try data.uint16("key_share")
                default: break
                }
            }
        }
        guard body.isEmpty else { throw Malformed(description: "the ServerHello has trailing bytes") }
        if selectedVersion == nil, legacyVersion > 0x0303 {
            throw Malformed(description: "the server chose version 0x\(hex16(legacyVersion)) without supported_versions")
        }
        let version = selectedVersion ?? legacyVersion
        return ServerHelloFacts(version: version, cipherSuite: suite, group: version >= 0x0304 ? group : nil,
                                helloRetryRequest: Array(random) == helloRetryRandom)
    }

    /// The group of a TLS ≤ 1.2 ServerKeyExchange: ECDHE names its curve first (RFC 8422 §5.4),
    /// DHE starts with its prime (RFC 5246 §7.4.3).
    private static func keyExchange(_ body: inout ByteCursor, kind: EphemeralKeyExchange,
                                    after hello: ServerHelloFacts) throws(Malformed) -> ServerHelloFacts {
        var facts = hello
        switch kind {
        case .ecdhe:
            let curveType = try body.uint8("ServerKeyExchange curve type")
            guard curveType == 3 else {
                throw Malformed(description: "the ServerKeyExchange does not name a curve (curve type \(curveType))")
            }
            facts.group = try body.uint16("ServerKeyExchange named curve")
        case .dhe:
            let prime = try body.vector(lengthBytes: 2, "ServerKeyExchange DH prime")
            guard let leading = prime.firstIndex(where: { $0 != 0 }) else { throw Malformed(description: "the server's DH prime is zero") }
            let significant = prime.distance(from: leading, to: prime.endIndex)
            facts.dhPrimeBits = (significant - 1) * 8 + (8 - prime[leading].leadingZeroBitCount)
        }
        return facts
    }

    static func alertName(_ code: UInt8) -> String {
        let names: [UInt8: String] = [
            0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac", 22: "record_overflow",
            40: "handshake_failure", 42: "bad_certificate", 47: "illegal_parameter", 50: "decode_error",
            51: "decrypt_error", 70: "protocol_version", 71: "insufficient_security", 80: "internal_error",
            86: "inappropriate_fallback", 90: "user_canceled", 109: "missing_extension", 112: "unrecognized_name",
        ]
        return "\(names[code] ?? "alert") (\(code))"
    }
}

private func hex(_ byte: UInt8) -> String { String(byte, radix: 16, uppercase: true) }
private func hex16(_ value: UInt16) -> String { String(value, radix: 16, uppercase: true) }

/// A bounds-checked reader over a byte slice.
struct ByteCursor {
    private var bytes: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    var isEmpty: Bool { bytes.isEmpty }
    var count: Int { bytes.count }

    mutating func uint8(_ what: String) throws(ServerFlightReader.Malformed) -> UInt8 {
        try bytes(1, what).first!
    }

    mutating func uint16(_ what: String) throws(ServerFlightReader.Malformed) -> UInt16 {
        let pair = try bytes(2, what)
        return UInt16(pair[pair.startIndex]) << 8 | UInt16(pair[pair.startIndex + 1])
    }

    mutating func bytes(_ count: Int, _ what: String) throws(ServerFlightReader.Malformed) -> ArraySlice<UInt8> {
        guard bytes.count >= count else { throw ServerFlightReader.Malformed(description: "the \(what) is truncated") }
        defer { bytes = bytes.dropFirst(count) }
        return bytes.prefix(count)
    }

    mutating func vector(lengthBytes: Int, _ what: String) throws(ServerFlightReader.Malformed) -> ArraySlice<UInt8> {
        var length = 0
        for byte in try bytes(lengthBytes, what) { length = length << 8 | Int(byte) }
        return try bytes(length, what)
    }
}
