import MXAuditModel

/// Establishes which versions, suites and groups a server accepts with as few extra handshakes as
/// the question allows (each is a whole SMTP connection):
/// - versions: offering "TLS 1.0 up to V" makes the server pick the highest version it accepts
///   up to V, so one handshake per accepted version (plus one refusal) covers all four;
/// - suites: at TLS 1.2, one handshake offering only suites below "sufficient" (and, when the
///   server picks one that is merely "phase out", one offering only "insufficient" suites);
/// - groups: when no BSI group (NIST P-curves, brainpool) was negotiated, one offering only those.
struct TLSCapabilityProber: Sendable {
    /// One handshake (a whole STARTTLS connection) with the profile's offer.
    let handshake: @Sendable (TLSHandshakeProfile) async -> Result<NegotiatedTLS, Failure>

    static let belowSufficientSuites =
        "eNULL:aNULL:EXP:RC4:DES:3DES:kRSA:kDHE:kECDHE:!kECDHE+AESGCM:!kECDHE+CHACHA20:!kECDHE+AESCCM:@SECLEVEL=0"
    static let insufficientSuites = "eNULL:aNULL:EXP:RC4:DES:3DES:@SECLEVEL=0"
    static let bsiGroups = "P-256:P-384:P-521"
    private static let bsiGroupNames: Set<String> = ["secp256r1", "prime256v1", "secp384r1", "secp521r1",
                                                       "brainpoolP256r1", "brainpoolP384r1", "brainpoolP512r1"]

    func probe(main: NegotiatedTLS, leaf: CertificateInfo?) async -> TLSCapabilities {
        var findings = Findings()
        findings.accept(main)
        for version in TLSVersion.allCases where version > main.version { findings.versions[version] = false }
        await probeOlderVersions(below: main.version, into: &findings)
        if findings.versions[.tls1_2] == true { await probeLegacySuites(into: &findings) }
        if let best = findings.versions.filter(\.value).keys.max(), best >= .tls1_2,
           !findings.groups.contains(where: Self.bsiGroupNames.contains) {
            var profile = TLSHandshakeProfile.pinned(best)
            profile.groups = Self.bsiGroups
            if case .success(let negotiated) = await attempt(profile, purpose: "BSI groups", into: &findings) {
                findings.addGroup(negotiated.group)
            }
        }
        return findings.capabilities(leaf: leaf)
    }

    private func probeOlderVersions(below newest: TLSVersion, into findings: inout Findings) async {
        var ceiling = newest.older
        while let highest = ceiling {
            let profile = TLSHandshakeProfile(minimumVersion: .tls1_0, maximumVersion: highest)
            switch await attempt(profile, purpose: "versions up to \(highest.name)", into: &findings) {
            case .success(let negotiated):
                findings.accept(negotiated)
                for version in TLSVersion.allCases where version > negotiated.version && version <= highest {
                    findings.versions[version] = false
                }
                ceiling = negotiated.version.older
            case .failure(let failure) where failure.kind == .tls:
                for version in TLSVersion.allCases where version <= highest { findings.versions[version] = false }
                ceiling = nil
            case .failure:
                ceiling = nil // recorded as incomplete by `attempt`
            }
        }
    }

    private func probeLegacySuites(into findings: inout Findings) async {
        var profile = TLSHandshakeProfile.pinned(.tls1_2)
        profile.cipherList = Self.belowSufficientSuites
        guard case .success(let legacy) = await attempt(profile, purpose: "legacy suites", into: &findings) else { return }
        findings.legacy.append(legacy.suite)
        findings.addGroup(legacy.group)
        guard TLSRatingLevel.of(legacy.suite) < .insufficient else { return }
        profile.cipherList = Self.insufficientSuites
        if case .success(let weakest) = await attempt(profile, purpose: "insufficient suites", into: &findings) {
            findings.legacy.append(weakest.suite)
        }
    }

    /// One handshake; a failure other than a TLS refusal (timeout, 421, reset before TLS) leaves
    /// the question open and is noted, a local one (OpenSSL cannot offer the suites) is ignored.
    private func attempt(_ profile: TLSHandshakeProfile, purpose: String,
                         into findings: inout Findings) async -> Result<NegotiatedTLS, Failure> {
        let result = await handshake(profile)
        if case .failure(let failure) = result, failure.kind != .tls, failure.kind != .local {
            findings.incomplete.append("\(purpose): \(failure)")
        }
        return result
    }
}

/// What the capability handshakes found so far.
private struct Findings {
    var versions: [TLSVersion: Bool] = [:]
    var chosen: [TLSVersion: CipherSuite] = [:]
    var legacy: [CipherSuite] = []
    var groups: [String] = []
    var incomplete: [String] = []

    mutating func accept(_ negotiated: NegotiatedTLS) {
        versions[negotiated.version] = true
        chosen[negotiated.version] = negotiated.suite
        addGroup(negotiated.group)
    }

    mutating func addGroup(_ group: String?) {
        if let group, !groups.contains(group) { groups.append(group) }
    }

    func capabilities(leaf: CertificateInfo?) -> TLSCapabilities {
        let accepted = versions.filter(\.value).keys.sorted()
        let suites = accepted.compactMap { chosen[$0] } + legacy
        let (level, reasons) = TLSRating.rate(TLSRatingInput(
            acceptedVersions: accepted, suites: suites, groups: groups,
            leafKeyType: leaf?.keyType ?? "unknown", leafKeyBits: leaf?.keyBits ?? 0,
            leafSignatureAlgorithm: leaf?.signatureAlgorithm ?? "unknown"))
        return TLSCapabilities(
            versions: Dictionary(uniqueKeysWithValues: versions.map { ($0.key.name, $0.value) }),
            forwardSecretAEAD: chosen.values.allSatisfy(\.isForwardSecretAEAD),
            ciphers: Dictionary(uniqueKeysWithValues: chosen.map { ($0.key.name, $0.value.name) }),
            groups: groups, rating: level.name, legacySuites: legacy.map(\.name), ratingReasons: reasons,
            incomplete: incomplete)
    }
}
