import Foundation
import MXAuditDNS
import MXAuditExecutor
import MXAuditHTTPS
import MXAuditModel
import MXAuditTLS

/// Everything one run shares: the DNS client with its cache and chain-of-trust cache, the SMTP
/// prober with its per-(address, SNI) cache, the MTA-STS fetcher and the blocking executor.
public struct AuditEnvironment: Sendable {
    public let settings: AuditSettings
    public let executor: BlockingExecutor
    public let dns: DNSObservations
    public let prober: SMTPProber
    public let policyFetcher: MTASTSFetcher
    public let counters = CollectionCounters()

    public struct SetupError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Builds the run's clients from settings; input problems (an unreadable trust anchor, a bad
    /// resolver address) are reported before any network work.
    /// - Parameter executor: runs the blocking calls; by default one with `settings.concurrency`
    ///   threads (created on demand), so `--concurrency` bounds the operations in flight.
    public init(settings: AuditSettings, executor: BlockingExecutor? = nil) throws {
        self.settings = settings
        let executor = executor ?? BlockingExecutor(maximumThreads: max(1, settings.concurrency))
        self.executor = executor
        let servers: [ResolverAddress]
        if let resolver = settings.resolver {
            guard let address = ResolverAddress(parsing: resolver) else {
                throw SetupError(description: "--resolver '\(resolver)' is not an IP address (IP, IP:port or [IPv6]:port)")
            }
            servers = [address]
        } else {
            servers = ResolverAddress.fromResolvConf()
            guard !servers.isEmpty else { throw SetupError(description: "no --resolver given and /etc/resolv.conf names no nameserver") }
        }
        let mode: DNSSECMode
        switch settings.dnssecMode {
        case .resolver:
            mode = .resolver
        case .validate:
            if let path = settings.trustAnchor {
                do { mode = .validate(try TrustAnchors.load(path: path)) } catch {
                    throw SetupError(description: error.description)
                }
            } else {
                mode = .validate(.defaultRoot())
            }
        }
        if let caFile = settings.caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw SetupError(description: "--ca-file \(caFile) cannot be read")
        }
        let timeout = Duration.milliseconds(Int(settings.timeoutSeconds * 1000))
        // `--concurrency` also bounds the queries on the wire.
        let resolverSettings = DNSResolver.Settings(servers: servers, timeout: timeout, maximumOutstandingQueries: settings.concurrency)
        dns = DNSObservations(lookup: DNSLookup(settings: resolverSettings, mode: mode, executor: executor))
        var probeSettings = SMTPProbeSettings(caFile: settings.caFile)
        if let helo = settings.heloName { probeSettings.heloName = helo }
        probeSettings.connectTimeout = min(probeSettings.connectTimeout, settings.timeoutSeconds)
        probeSettings.bannerTimeout = settings.timeoutSeconds
        probeSettings.commandTimeout = settings.timeoutSeconds
        probeSettings.handshakeTimeout = settings.timeoutSeconds
        prober = SMTPProber(settings: probeSettings, executor: executor)
        policyFetcher = MTASTSFetcher(executor: executor, caFile: settings.caFile, timeout: timeout)
    }
}
