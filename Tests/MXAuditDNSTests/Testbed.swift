import Foundation
import MXAuditDNS
import MXAuditTestSupport
import Testing

/// The loopback testbed for the DNS tests: the shared environment plus a DNS client pointed at it.
struct Testbed {
    var environment: TestbedEnvironment
    var catalogue: [String: Any]

    var resolver: String { environment.resolver }

    static func load() throws -> Testbed {
        let environment = try TestbedEnvironment.load()
        return Testbed(environment: environment, catalogue: try environment.catalogueJSON())
    }

    /// The scenario domains (the scaled fleet of `up --scale N` is left to benchmarks).
    var domains: [[String: Any]] {
        (catalogue["domains"] as? [[String: Any]] ?? []).filter { $0["scaled"] as? Bool != true }
    }

    func makeLookup() throws -> DNSLookup {
        let anchors = try TrustAnchors.load(path: environment.trustAnchor)
        let server = try #require(ResolverAddress(parsing: resolver))
        return DNSLookup(settings: .init(servers: [server], timeout: .seconds(10)), mode: .validate(anchors))
    }
}

/// Runs dig against the testbed's validating resolver (unbound) and reports its verdict.
enum Unbound {
    enum Verdict: String { case secure, insecure, bogus }

    static func verdict(resolver: String, name: String, type: String) async throws -> Verdict {
        let output = try await ExternalCommand.run("/usr/bin/dig", ["+dnssec", "+tries=2", "+time=3", "@\(resolver)", name, type]).standardOutput
        if output.contains("status: SERVFAIL") { return .bogus }
        let flags = output.split(separator: "\n").first { $0.contains(";; flags:") } ?? ""
        return flags.contains(" ad") ? .secure : .insecure
    }
}
