import Foundation
import MXAuditExecutor
import MXAuditModel

/// What one SMTP connection saw: greeting, EHLO, STARTTLS and, when it got that far, the handshake.
struct SMTPSessionOutcome: Sendable {
    var banner: Observation<SMTPReply>
    var ehlo: Observation<SMTPReply>
    var starttlsOffered: Bool?
    var starttlsReply: Observation<SMTPReply>
    /// nil when no handshake was attempted (the dialog failed first or STARTTLS was not offered).
    var handshake: Result<NegotiatedTLS, Failure>?
    /// 421 or another 4xx at the greeting or EHLO: the server is busy or greylisting, worth one retry.
    var busy = false
    var durationMilliseconds = 0

    init() {
        banner = .skipped("not reached")
        ehlo = .skipped("not reached")
        starttlsReply = .skipped("not reached")
    }

    init(failedAt failure: Failure) {
        self.init()
        fail(failure)
    }

    /// Records the failure that stopped the dialog at its first unfinished step; every later step
    /// inherits it, because what it would have shown could not be told.
    mutating func fail(_ failure: Failure) {
        if banner.value == nil { banner = .failed(failure) }
        if ehlo.value == nil { ehlo = .failed(failure) }
        if starttlsReply.value == nil { starttlsReply = .failed(failure) }
    }

    /// The failure that stopped the dialog before a handshake, if any.
    var dialogFailure: Failure? { banner.failure ?? ehlo.failure ?? starttlsReply.failure }
}

/// Runs SMTP dialogs: connect, greeting, EHLO, STARTTLS, handshake, QUIT. The plain-text part waits
/// through the reactor (no thread is held while a server delays its greeting); the handshake runs
/// on the blocking executor, bounded by its own deadline.
struct SMTPSessionRunner: Sendable {
    let settings: SMTPProbeSettings
    let reactor: ReadinessReactor
    let executor: BlockingExecutor
    let tlsContext: TLSClientContext
    let counters: ProbeCounters

    func run(address: String, family: AddressFamily, serverName: String,
             profile: TLSHandshakeProfile, depth: HandshakeDepth = .complete) async -> SMTPSessionOutcome {
        let started = ContinuousClock.now
        var outcome = await dialog(address: address, family: family, serverName: serverName, profile: profile, depth: depth)
        outcome.durationMilliseconds = Int(started.duration(to: .now) / .milliseconds(1))
        return outcome
    }

    private func dialog(address: String, family: AddressFamily, serverName: String,
                        profile: TLSHandshakeProfile, depth: HandshakeDepth) async -> SMTPSessionOutcome {
        let connection: SMTPConnection
        do {
            connection = try await SMTPConnection.connect(to: address, family: family, port: settings.port,
                                                          deadline: .after(settings.connectTimeout), reactor: reactor)
        } catch {
            return SMTPSessionOutcome(failedAt: error)
        }
        counters.update { $0.connections += 1 }
        defer { connection.close() }

        var outcome = SMTPSessionOutcome()
        do {
            let greeting = try await connection.readReply(phase: "greeting", until: .after(settings.bannerTimeout))
            if let refusal = Self.refusal(greeting, step: "greeting", expected: 220) {
                outcome.fail(refusal)
                outcome.busy = refusal.kind == .busy
                await quitPlainly(connection)
                return outcome
            }
            outcome.banner = .present(greeting)

            try await connection.send("EHLO \(settings.heloName)", phase: "EHLO", until: .after(settings.commandTimeout))
            let ehlo = try await connection.readReply(phase: "EHLO reply", until: .after(settings.commandTimeout))
            if (400...499).contains(ehlo.code) {
                outcome.fail(Failure(.busy, "the server is busy or greylisting: EHLO answered \(ehlo.summary)"))
                outcome.busy = true
                await quitPlainly(connection)
                return outcome
            }
            outcome.ehlo = .present(ehlo)
            // A 5xx EHLO means no ESMTP, hence no STARTTLS (RFC 3207 needs the extension).
            let offered = ehlo.code == 250 && ehlo.extensionKeywords.contains("STARTTLS")
            outcome.starttlsOffered = offered
            guard offered else {
                outcome.starttlsReply = .skipped("STARTTLS not offered")
                await quitPlainly(connection)
                return outcome
            }

            try await connection.send("STARTTLS", phase: "STARTTLS", until: .after(settings.commandTimeout))
            let answer = try await connection.readReply(phase: "STARTTLS reply", until: .after(settings.commandTimeout))
            outcome.starttlsReply = .present(answer)
            guard answer.code == 220 else {
                outcome.handshake = .failure(Failure(.tls, "STARTTLS was offered, but the server answered it with \(answer.summary)"))
                await quitPlainly(connection)
                return outcome
            }
        } catch {
            outcome.fail(error)
            return outcome
        }
        switch depth {
        case .complete: outcome.handshake = await handshake(on: connection, serverName: serverName, profile: profile)
        case .serverHello: outcome.handshake = await serverHello(on: connection, serverName: serverName, profile: profile)
        }
        return outcome
    }

    /// A greeting that is not `expected`: 4xx is busy, anything else a refusal of service.
    static func refusal(_ reply: SMTPReply, step: String, expected: Int) -> Failure? {
        switch reply.code {
        case expected: return nil
        case 400...499: return Failure(.busy, "the server is busy: \(step) \(reply.summary)")
        default: return Failure(.protocolViolation, "the server refused service: \(step) \(reply.summary)")
        }
    }

    private func handshake(on connection: SMTPConnection, serverName: String,
                           profile: TLSHandshakeProfile) async -> Result<NegotiatedTLS, Failure> {
        counters.update { $0.handshakes += 1 }
        let context = tlsContext
        let deadline = Deadline.after(settings.handshakeTimeout)
        let quitDeadline = min(settings.commandTimeout, 5)
        do {
            let negotiated = try await executor.run { token in
                let session = try TLSClientSession(context: context, descriptor: connection.descriptor,
                                                   serverName: serverName, profile: profile)
                let negotiated = try session.handshake(until: deadline, token: token)
                session.quit(until: .after(quitDeadline))
                return negotiated
            }
            return .success(negotiated)
        } catch let failure as Failure {
            return .failure(failure)
        } catch is CancellationError {
            return .failure(Failure(.cancelled, "the probe was cancelled before the TLS handshake"))
        } catch {
            return .failure(Failure(.local, "the TLS handshake could not run: \(error)"))
        }
    }

    /// The handshake up to the server's hello (`TLSHelloProbe`); then the connection is closed
    /// without QUIT, since no TLS session exists to send it in. Failures are classed as a complete
    /// handshake's would be: whatever ends the exchange before the hello (alert, reset, hang-up) is
    /// a `.tls` refusal, silence a timeout.
    private func serverHello(on connection: SMTPConnection, serverName: String,
                             profile: TLSHandshakeProfile) async -> Result<NegotiatedTLS, Failure> {
        counters.update {
            $0.handshakes += 1
            $0.helloOnlyHandshakes += 1
        }
        let deadline = Deadline.after(settings.handshakeTimeout)
        do throws(Failure) {
            let probe = try TLSHelloProbe(context: tlsContext, serverName: serverName, profile: profile)
            try await connection.send(bytes: probe.clientHello, phase: "ClientHello", until: deadline)
            var reader = probe.makeReader()
            while true {
                let bytes = try await connection.receive(upTo: 16_384, phase: "TLS handshake", until: deadline)
                guard !bytes.isEmpty else { throw Failure(.tls, "the server closed the connection during the TLS handshake") }
                let progress: ServerFlightReader.Progress
                do throws(ServerFlightReader.Malformed) { progress = try reader.consume(bytes) } catch { throw Failure(.tls, error.description) }
                switch progress {
                case .needMore: continue
                case .refused(let alert): throw Failure(.tls, alert)
                case .done(let facts): return .success(try probe.negotiated(facts))
                }
            }
        } catch {
            return .failure(error.kind == .network ? Failure(.tls, error.message) : error)
        }
    }

    /// QUIT without TLS; best effort within a short bound, its reply is not evidence.
    private func quitPlainly(_ connection: SMTPConnection) async {
        let deadline = Deadline.after(min(settings.commandTimeout, 5))
        do {
            try await connection.send("QUIT", phase: "QUIT", until: deadline)
            _ = try await connection.readReply(phase: "QUIT reply", until: deadline)
        } catch {
            return
        }
    }
}
