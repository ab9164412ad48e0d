import Foundation
import MXAuditExecutor
import MXAuditModel

/// Probes one (address, server name) pair: the main STARTTLS session (retried once when busy), the
/// two certificate judgements of its handshake and the capability handshakes. Immutable and
/// shared by every probe of one `SMTPProber`.
struct SMTPEndpointProbe: Sendable {
    let settings: SMTPProbeSettings
    let runner: SMTPSessionRunner?
    /// Why probing cannot start at all (OpenSSL could not make a client context).
    let setupFailure: Failure?
    let webPKI: Result<WebPKIVerifier, OpenSSLError>
    let limiter: AddressLimiter
    let counters: ProbeCounters
    let executor: BlockingExecutor

    func probe(address: String, family: AddressFamily, serverName: String,
               tlsa: Observation<TLSAEvidence>) async -> SMTPEndpointEvidence {
        guard let runner else {
            let failure = setupFailure ?? Failure(.local, "the prober is not set up")
            return evidence(address, family, serverName, SMTPSessionOutcome(failedAt: failure),
                            tls: .failed(failure), capabilities: .failed(failure), attempts: 0)
        }
        let session: @Sendable (TLSHandshakeProfile, HandshakeDepth) async -> SMTPSessionOutcome = { profile, depth in
            await limiter.withSlot(for: address) {
                await runner.run(address: address, family: family, serverName: serverName, profile: profile, depth: depth)
            }
        }
        var outcome = await session(.opportunistic, .complete)
        var attempts = 1
        if outcome.busy && !Task.isCancelled {
            counters.update { $0.retries += 1 }
            try? await Task.sleep(nanoseconds: UInt64(settings.retryDelay * 1_000_000_000))
            if !Task.isCancelled {
                outcome = await session(.opportunistic, .complete)
                attempts = 2
            }
        }

        switch outcome.handshake {
        case nil:
            if outcome.starttlsOffered == false {
                return evidence(address, family, serverName, outcome, tls: .absent("the server did not offer STARTTLS"),
                                capabilities: .skipped("no STARTTLS, so no TLS"), attempts: attempts)
            }
            let failure = outcome.dialogFailure ?? Failure(.protocolViolation, "the SMTP dialog ended before STARTTLS")
            return evidence(address, family, serverName, outcome, tls: .failed(failure), capabilities: .failed(failure),
                            attempts: attempts)
        case .failure(let failure)?:
            return evidence(address, family, serverName, outcome, tls: .failed(failure), capabilities: .failed(failure),
                            attempts: attempts)
        case .success(let negotiated)?:
            let tlsSession = await judge(negotiated, serverName: serverName, tlsa: tlsa)
            var capabilities: Observation<TLSCapabilities> = .skipped("capability probes are switched off")
            if settings.probeCapabilities {
                let prober = TLSCapabilityProber { profile in
                    let extra = await session(profile, .serverHello)
                    return extra.handshake ?? .failure(extra.dialogFailure ?? Failure(.protocolViolation, "STARTTLS not offered on a later connection"))
                }
                capabilities = .present(await prober.probe(main: negotiated, leaf: tlsSession.chain.first))
            }
            return evidence(address, family, serverName, outcome, tls: .present(tlsSession), capabilities: capabilities,
                            attempts: attempts)
        }
    }

    /// The session's evidence with both certificate judgements; on the executor, because the
    /// system store reads certificate files while it verifies.
    private func judge(_ negotiated: NegotiatedTLS, serverName: String, tlsa: Observation<TLSAEvidence>) async -> TLSSession {
        let webPKI = self.webPKI
        let judged = try? await executor.run { () -> TLSSession in
            let now = Date()
            let webVerdict: CertificateVerdict
            switch webPKI {
            case .success(let verifier): webVerdict = verifier.verify(chain: negotiated.chain, hostName: serverName, at: now)
            case .failure(let error):
                webVerdict = CertificateVerdict(valid: false, problem: "other", message: "no trust store: \(error)")
            }
            return TLSSession(version: negotiated.version.name, cipher: negotiated.suite.name, group: negotiated.group,
                              chain: negotiated.chain.map(\.info), webPKI: webVerdict,
                              dane: DANEVerifier.verify(chain: negotiated.chain, tlsa: tlsa, serverName: serverName, at: now))
        }
        return judged ?? TLSSession(
            version: negotiated.version.name, cipher: negotiated.suite.name, group: negotiated.group,
            chain: negotiated.chain.map(\.info),
            webPKI: CertificateVerdict(valid: false, problem: "other", message: "the verification was cancelled"),
            dane: DANEVerdict(status: .indeterminate, message: "the verification was cancelled"))
    }

    private func evidence(_ address: String, _ family: AddressFamily, _ serverName: String, _ outcome: SMTPSessionOutcome,
                          tls: Observation<TLSSession>, capabilities: Observation<TLSCapabilities>,
                          attempts: Int) -> SMTPEndpointEvidence {
        SMTPEndpointEvidence(address: address, family: family, serverName: serverName, banner: outcome.banner,
                             ehlo: outcome.ehlo, starttlsOffered: outcome.starttlsOffered,
                             starttlsReply: outcome.starttlsReply, tls: tls, capabilities: capabilities,
                             durationMilliseconds: outcome.durationMilliseconds, attempts: attempts)
    }
}
