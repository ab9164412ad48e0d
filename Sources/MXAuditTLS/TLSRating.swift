/// The NCSC-NL TLS guidelines as internet.nl applies them, which also cover the BSI TR-02102-2
/// essentials: every accepted version, suite, group, the leaf key and its signature are rated, and
/// the server gets the worst rating of them, with a reason for each finding below `good`.
///
/// Versions: TLS 1.3 good, 1.2 sufficient, older insufficient. Suites: TLS 1.3 suites good;
/// ECDHE with AES-GCM/ChaCha20/CCM sufficient; DHE, CBC and RSA key exchange phase out; NULL,
/// anonymous, RC4, (3)DES, export and other bulk ciphers insufficient. RSA keys under 2048 bits,
/// EC keys under 224 bits, DSA, SHA-1/MD5 signatures and DH groups under 2048 bits are insufficient.
enum TLSRatingLevel: Int, Comparable, Sendable, CaseIterable {
    case good, sufficient, phaseOut, insufficient

    /// The evidence's spelling.
    var name: String {
        switch self {
        case .good: return "good"
        case .sufficient: return "sufficient"
        case .phaseOut: return "phase_out"
        case .insufficient: return "insufficient"
        }
    }

    static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    static func of(_ version: TLSVersion) -> TLSRatingLevel {
        switch version {
        case .tls1_3: return .good
        case .tls1_2: return .sufficient
        case .tls1_0, .tls1_1: return .insufficient
        }
    }

    static func of(_ suite: CipherSuite) -> TLSRatingLevel {
        if suite.keyExchange == "TLS1.3" { return .good }
        let bulk = suite.bulkCipher
        let weakBulk = ["NULL", "RC4", "DES", "RC2", "IDEA", "SEED", "UNKNOWN"].contains { bulk.contains($0) }
        if !suite.authenticated || weakBulk || suite.name.contains("EXP") { return .insufficient }
        let modernBulk = bulk.contains("AES") || bulk.contains("CHACHA20")
        if suite.keyExchange == "ECDHE" && suite.isAEAD && modernBulk { return .sufficient }
        if ["ECDHE", "DHE", "RSA"].contains(suite.keyExchange) && (modernBulk || bulk.contains("CAMELLIA") || bulk.contains("ARIA")) {
            return .phaseOut
        }
        return .insufficient
    }

    /// A group name as `NegotiatedTLS.group` gives it.
    static func of(group: String) -> TLSRatingLevel {
        if group.hasPrefix("DH-"), let bits = Int(group.dropFirst(3)) { return bits >= 2048 ? .sufficient : .insufficient }
        if group.hasPrefix("ffdhe") { return group == "ffdhe2048" ? .sufficient : .good }
        let good = ["x25519", "x448", "secp256r1", "prime256v1", "secp384r1", "secp521r1",
                    "brainpoolP256r1", "brainpoolP384r1", "brainpoolP512r1"]
        return good.contains { $0.caseInsensitiveCompare(group) == .orderedSame } ? .good : .insufficient
    }
}

/// The inputs of a rating: what the capability probes saw.
struct TLSRatingInput: Sendable {
    var acceptedVersions: [TLSVersion]
    /// Suites the server chose (default offers and legacy-only offers alike).
    var suites: [CipherSuite]
    var groups: [String]
    var leafKeyType: String
    var leafKeyBits: Int
    var leafSignatureAlgorithm: String
}

enum TLSRating {
    static func rate(_ input: TLSRatingInput) -> (level: TLSRatingLevel, reasons: [String]) {
        var findings: [(TLSRatingLevel, String)] = []
        for version in input.acceptedVersions {
            findings.append((TLSRatingLevel.of(version), "accepts \(version.name)"))
        }
        for suite in input.suites {
            findings.append((TLSRatingLevel.of(suite), "accepts the suite \(suite.name)"))
        }
        for group in input.groups {
            findings.append((TLSRatingLevel.of(group: group), "uses the key-exchange group \(group)"))
        }
        switch input.leafKeyType {
        case "RSA" where input.leafKeyBits < 2048:
            findings.append((.insufficient, "RSA key of \(input.leafKeyBits) bits (at least 2048 needed)"))
        case "EC" where input.leafKeyBits < 224:
            findings.append((.insufficient, "EC key of \(input.leafKeyBits) bits"))
        case "DSA":
            findings.append((.insufficient, "DSA key"))
        default: break
        }
        let signature = input.leafSignatureAlgorithm.lowercased()
        if signature.contains("sha1") || signature.contains("md5") {
            findings.append((.insufficient, "certificate signed with \(input.leafSignatureAlgorithm)"))
        }
        let level = findings.map(\.0).max() ?? .good
        var reasons: [String] = []
        for (findingLevel, text) in findings where findingLevel > .good {
            let reason = "\(findingLevel.name): \(text)"
            if !reasons.contains(reason) { reasons.append(reason) }
        }
        return (level, reasons)
    }
}
