import CMXAuditOpenSSL

/// The protocol versions a probe can offer, in the order they were published.
enum TLSVersion: Int32, CaseIterable, Comparable, Sendable {
    case tls1_0 = 0x0301
    case tls1_1 = 0x0302
    case tls1_2 = 0x0303
    case tls1_3 = 0x0304

    /// OpenSSL's name, which the evidence uses: "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3".
    var name: String {
        switch self {
        case .tls1_0: return "TLSv1"
        case .tls1_1: return "TLSv1.1"
        case .tls1_2: return "TLSv1.2"
        case .tls1_3: return "TLSv1.3"
        }
    }

    init?(name: String) {
        guard let version = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = version
    }

    /// The next older version, nil below TLS 1.0.
    var older: TLSVersion? { TLSVersion(rawValue: rawValue - 1) }

    static func < (lhs: TLSVersion, rhs: TLSVersion) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What one handshake offers: a version range, the TLS ≤ 1.2 suites and the key-exchange groups.
struct TLSHandshakeProfile: Sendable, Hashable {
    var minimumVersion: TLSVersion = .tls1_0
    var maximumVersion: TLSVersion = .tls1_3
    /// OpenSSL cipher string for TLS ≤ 1.2. Security level 0 lets TLS 1.0/1.1 and weak suites be
    /// offered at all: a probe must see what the server accepts, not what OpenSSL would prefer.
    var cipherList = "DEFAULT:@SECLEVEL=0"
    /// OpenSSL group list, nil for the library's default (X25519, P-256, X448, P-521, P-384, ffdhe).
    var groups: String?

    /// What a sending MTA doing opportunistic TLS offers: every version, the default suites.
    static let opportunistic = TLSHandshakeProfile()

    /// Only `version`, with the default suites.
    static func pinned(_ version: TLSVersion) -> TLSHandshakeProfile {
        TLSHandshakeProfile(minimumVersion: version, maximumVersion: version)
    }
}

/// How far a probe handshake goes. The main session completes it (the certificates are evidence);
/// a capability question is answered by the server's hello, so those stop there.
enum HandshakeDepth: Sendable {
    /// To the end: certificates, keys, Finished, then QUIT inside TLS.
    case complete
    /// Until the server's first flight names version, suite and group (`TLSHelloProbe`).
    case serverHello
}
