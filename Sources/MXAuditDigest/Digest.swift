import CMXAuditOpenSSL

/// SHA-2 digests through the system OpenSSL, for fingerprints mxaudit records: rule-set and
/// inventory digests, TLSA association data, certificate key pins.
public enum Digest {
    public enum Algorithm: Sendable {
        case sha256, sha512
    }

    /// The raw digest of `bytes` (32 bytes for SHA-256, 64 for SHA-512).
    public static func bytes(_ bytes: UnsafeRawBufferPointer, _ algorithm: Algorithm = .sha256) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = EVP_Digest(bytes.baseAddress, bytes.count, &output, &length, algorithm == .sha512 ? EVP_sha512() : EVP_sha256(), nil)
        precondition(ok == 1, "OpenSSL could not compute a SHA-2 digest")
        return Array(output.prefix(Int(length)))
    }

    public static func hex(_ bytes: [UInt8], _ algorithm: Algorithm = .sha256) -> String {
        bytes.withUnsafeBytes { Self.bytes($0, algorithm) }.map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
        }.joined()
    }

    public static func hex(_ text: String, _ algorithm: Algorithm = .sha256) -> String { hex(Array(text.utf8), algorithm) }
}
