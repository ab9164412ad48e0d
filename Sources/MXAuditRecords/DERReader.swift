/// A bounds-checked reader of DER (X.690) elements: enough to walk a SubjectPublicKeyInfo.
/// Every read returns nil on malformed or truncated input; nothing here can trap.
struct DERReader {
    static let sequence: UInt8 = 0x30
    static let integer: UInt8 = 0x02
    static let bitString: UInt8 = 0x03
    static let objectIdentifier: UInt8 = 0x06

    private let bytes: ArraySlice<UInt8>
    private var offset: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        offset = bytes.startIndex
    }

    var isAtEnd: Bool { offset >= bytes.endIndex }

    /// The contents of the next element if it has this tag; advances past it.
    mutating func read(_ tag: UInt8) -> ArraySlice<UInt8>? {
        guard offset + 2 <= bytes.endIndex, bytes[offset] == tag else { return nil }
        var cursor = offset + 1
        var length = Int(bytes[cursor])
        cursor += 1
        if length & 0x80 != 0 {
            // Long form: 1–4 length bytes; 0x80 (indefinite) is not DER.
            let count = length & 0x7F
            guard (1...4).contains(count), cursor + count <= bytes.endIndex else { return nil }
            length = bytes[cursor..<cursor + count].reduce(0) { $0 << 8 | Int($1) }
            cursor += count
        }
        guard length <= bytes.endIndex - cursor else { return nil }
        offset = cursor + length
        return bytes[cursor..<cursor + length]
    }
}

/// Public-key sizes from DER, for DKIM key records.
enum PublicKeyDER {
    /// rsaEncryption, 1.2.840.113549.1.1.1.
    static let rsaEncryption: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01]
    /// id-Ed25519, 1.3.101.112.
    static let ed25519: [UInt8] = [0x2B, 0x65, 0x70]

    /// A SubjectPublicKeyInfo (RFC 5280 §4.1.2.7): its algorithm OID and the key bits.
    static func subjectPublicKeyInfo(_ der: [UInt8]) -> (algorithm: [UInt8], key: ArraySlice<UInt8>)? {
        var outer = DERReader(der[...])
        guard let info = outer.read(DERReader.sequence), outer.isAtEnd else { return nil }
        var fields = DERReader(info)
        guard let algorithmIdentifier = fields.read(DERReader.sequence),
              let bitString = fields.read(DERReader.bitString), fields.isAtEnd,
              bitString.first == 0 else { return nil } // no unused bits in a key
        var algorithm = DERReader(algorithmIdentifier)
        guard let oid = algorithm.read(DERReader.objectIdentifier) else { return nil }
        return (Array(oid), bitString.dropFirst())
    }

    /// The modulus size of an RSAPublicKey (RFC 8017 A.1.1: SEQUENCE { modulus, exponent }).
    static func rsaModulusBits(_ rsaPublicKey: ArraySlice<UInt8>) -> Int? {
        var outer = DERReader(rsaPublicKey)
        guard let key = outer.read(DERReader.sequence), outer.isAtEnd else { return nil }
        var fields = DERReader(key)
        guard let modulus = fields.read(DERReader.integer), fields.read(DERReader.integer) != nil, fields.isAtEnd else { return nil }
        let significant = modulus.drop { $0 == 0 }
        guard let first = significant.first else { return nil }
        return (significant.count - 1) * 8 + (8 - first.leadingZeroBitCount)
    }
}
