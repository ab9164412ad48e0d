import Foundation
import MXAuditExecutor
import MXAuditModel

/// The STARTTLS prober of one audit run. Each (address, server name) pair is probed once and the
/// result shared by every domain whose MX uses it: the verdicts depend on the name (SNI, name
/// checks), so the name is part of the key. At most `maxConnectionsPerAddress` connections are
/// open to one address at a time, whichever names are being probed there.
public actor SMTPProber {
    private struct Key: Hashable {
        let address: String
        let serverName: String
    }

    private struct Shared {
        let task: Task<SMTPEndpointEvidence, Never>
        var waiters: Int
        var finished = false
    }

    private let engine: SMTPEndpointProbe
    private let reactor: ReadinessReactor
    private let counters: ProbeCounters
    private var probes: [Key: Shared] = [:]

    /// - Parameter executor: runs the TLS handshakes and certificate checks; the SMTP dialogs wait
    ///   without a thread, so a pool smaller than the number of connections in flight is fine.
    public init(settings: SMTPProbeSettings, executor: BlockingExecutor) {
        let counters = ProbeCounters()
        let reactor = ReadinessReactor.shared
        var runner: SMTPSessionRunner?
        var setupFailure: Failure?
        do {
            runner = SMTPSessionRunner(settings: settings, reactor: reactor, executor: executor,
                                       tlsContext: try TLSClientContext(), counters: counters)
        } catch {
            setupFailure = Failure(.local, error.description)
        }
        let webPKI: Result<WebPKIVerifier, OpenSSLError>
        do { webPKI = .success(try WebPKIVerifier(caFile: settings.caFile)) } catch { webPKI = .failure(error) }
        self.engine = SMTPEndpointProbe(settings: settings, runner: runner, setupFailure: setupFailure, webPKI: webPKI,
                                        limiter: AddressLimiter(limit: settings.maxConnectionsPerAddress, counters: counters),
                                        counters: counters, executor: executor)
        self.reactor = reactor
        self.counters = counters
    }

    /// The evidence of `address` probed with `serverName` as SNI and reference name; `tlsa` is the
    /// host's TLSA observation (secure and present: DANE applies; absent/skipped: not applicable;
    /// failed: indeterminate).
    public func probe(address: String, family: AddressFamily, serverName: String,
                      tlsa: Observation<TLSAEvidence>) async -> SMTPEndpointEvidence {
        let key = Key(address: Self.canonical(address, family), serverName: Self.canonical(serverName))
        if var shared = probes[key] {
            shared.waiters += 1
            probes[key] = shared
            counters.update { $0.cacheHits += 1 }
            return await wait(for: shared.task, key: key)
        }
        counters.update { $0.probes += 1 }
        let engine = self.engine
        let task = Task {
            let evidence = await engine.probe(address: key.address, family: family, serverName: key.serverName, tlsa: tlsa)
            self.finished(key)
            return evidence
        }
        probes[key] = Shared(task: task, waiters: 1)
        return await wait(for: task, key: key)
    }

    public var statistics: SMTPProbeStatistics { counters.snapshot }

    /// A probe is cancelled only when every caller waiting for it has been cancelled.
    private func wait(for task: Task<SMTPEndpointEvidence, Never>, key: Key) async -> SMTPEndpointEvidence {
        await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            Task { await self.abandon(key) }
        }
    }

    private func abandon(_ key: Key) {
        guard var shared = probes[key], !shared.finished else { return }
        shared.waiters -= 1
        if shared.waiters > 0 {
            probes[key] = shared
        } else {
            shared.task.cancel()
            probes[key] = nil // a later caller probes afresh instead of receiving a cancelled result
        }
    }

    private func finished(_ key: Key) {
        probes[key]?.finished = true
    }

    /// One spelling per address (IPv6 has many) and per name (case, final dot).
    static func canonical(_ address: String, _ family: AddressFamily) -> String {
        let domain = family == .ipv4 ? AF_INET : AF_INET6
        var bytes = [UInt8](repeating: 0, count: 16)
        guard inet_pton(domain, address, &bytes) == 1 else { return address }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(domain, bytes, &text, socklen_t(text.count)) != nil else { return address }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func canonical(_ name: String) -> String { DomainName.comparable(name) }
}
