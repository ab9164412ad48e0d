import Foundation

/// How the STARTTLS probe behaves on port 25. The defaults suit the real internet: Postfix's
/// postscreen delays its greeting by about 6 s, tarpits answer slowly on purpose, and a polite
/// prober opens few connections per address.
public struct SMTPProbeSettings: Sendable, Equatable {
    /// The EHLO identity (`--helo NAME`).
    public var heloName: String
    public var connectTimeout: Double
    /// For the whole greeting, however it trickles in.
    public var bannerTimeout: Double
    /// For each command's whole reply (EHLO, STARTTLS, QUIT).
    public var commandTimeout: Double
    /// For the whole TLS handshake.
    public var handshakeTimeout: Double
    /// Wait before the one retry after a 421 or another 4xx (busy, greylisting).
    public var retryDelay: Double
    /// PEM bundle of trusted roots for the WebPKI judgement; nil: the system store.
    public var caFile: String?
    /// Connections open at once to one address, across every server name probed there.
    public var maxConnectionsPerAddress: Int
    public var port: UInt16
    /// Whether to make the extra handshakes that establish versions, suites and groups.
    public var probeCapabilities: Bool

    public init(heloName: String = SMTPProbeSettings.defaultHeloName, connectTimeout: Double = 10,
                bannerTimeout: Double = 30, commandTimeout: Double = 30, handshakeTimeout: Double = 30,
                retryDelay: Double = 30, caFile: String? = nil, maxConnectionsPerAddress: Int = 2,
                port: UInt16 = 25, probeCapabilities: Bool = true) {
        self.heloName = heloName
        self.connectTimeout = connectTimeout
        self.bannerTimeout = bannerTimeout
        self.commandTimeout = commandTimeout
        self.handshakeTimeout = handshakeTimeout
        self.retryDelay = retryDelay
        self.caFile = caFile
        self.maxConnectionsPerAddress = max(1, maxConnectionsPerAddress)
        self.port = port
        self.probeCapabilities = probeCapabilities
    }

    /// This machine's name when it is fully qualified, else "localhost" (RFC 5321 §4.1.4 asks for the FQDN).
    public static var defaultHeloName: String {
        let name = ProcessInfo.processInfo.hostName
        return name.contains(".") && !name.hasSuffix(".") ? name : "localhost"
    }
}

/// What a prober did, for benchmarks and tests.
public struct SMTPProbeStatistics: Sendable, Equatable {
    /// Distinct (address, server name) probes started.
    public var probes = 0
    /// Calls answered from a probe already made or in flight.
    public var cacheHits = 0
    /// TCP connections opened.
    public var connections = 0
    /// TLS handshakes attempted.
    public var handshakes = 0
    /// Of those, capability handshakes that stopped at the server's hello.
    public var helloOnlyHandshakes = 0
    /// Second attempts after a 421/4xx.
    public var retries = 0
    /// The most connections ever open at once to a single address.
    public var maximumConnectionsPerAddress = 0

    public init() {}
}

/// Thread-safe counters behind `SMTPProbeStatistics`.
final class ProbeCounters: @unchecked Sendable {
    private let lock = NSLock()
    private var values = SMTPProbeStatistics()

    func update(_ change: (inout SMTPProbeStatistics) -> Void) {
        lock.lock()
        change(&values)
        lock.unlock()
    }

    var snapshot: SMTPProbeStatistics {
        lock.lock()
        defer { lock.unlock() }
        return values
    }
}
