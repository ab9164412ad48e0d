import Foundation
import MXAuditModel
import MXAuditTestSupport
import Testing

/// The running loopback testbed (docs/testbed-contract.md): its env file, CA and catalogue.
/// Integration tests `#require` it, so they fail loudly when the testbed is not up.
struct Testbed {
    let resolver: String
    let caFile: String
    let catalogue: [String: Any]

    static func load() throws -> Testbed {
        let environment = try TestbedEnvironment.load()
        return Testbed(resolver: environment.resolver, caFile: environment.caFile, catalogue: try environment.catalogueJSON())
    }

    /// A host of the catalogue: its address (through a CNAME when it has one) and the name to probe.
    func host(_ name: String) throws -> (address: String, serverName: String) {
        let hosts = try #require(catalogue["hosts"] as? [String: [String: Any]])
        let entry = try #require(hosts[name], "\(name) is not a catalogue host")
        if let target = entry["cname"] as? String { return try host(target) }
        return (try #require(entry["address"] as? String), name)
    }

    /// Every (domain, MX host expectation) pair of the scenario catalogue (the scaled world of
    /// `up --scale N` repeats the scenarios' shapes thousands of times and is left to benchmarks).
    var mxHostExpectations: [HostExpectation] {
        let domains = (catalogue["domains"] as? [[String: Any]] ?? []).filter { $0["scaled"] as? Bool != true }
        return domains.flatMap { domain -> [HostExpectation] in
            let hosts = (domain["expect"] as? [String: Any])?["mx_hosts"] as? [[String: Any]] ?? []
            return hosts.map { HostExpectation(domain: domain["name"] as? String ?? "?", $0) }
        }
    }

    /// The TLSA observation of `host` as a validating resolver gives it: the AD bit makes it secure,
    /// SERVFAIL is a failed (bogus) lookup, NXDOMAIN/NODATA absent.
    func tlsa(for host: String) async throws -> Observation<TLSAEvidence> {
        let owner = "_25._tcp.\(host)"
        let output = try await Self.run("/usr/bin/dig", ["+dnssec", "+noall", "+comments", "+answer", "@\(resolver)", owner, "TLSA"]).output
        guard let status = output.range(of: #"status: ([A-Z]+)"#, options: .regularExpression)
            .map({ String(output[$0].dropFirst("status: ".count)) }) else {
            return .failed(Failure(.dnsError, "dig gave no status: \(output)"))
        }
        switch status {
        case "NOERROR": break
        case "NXDOMAIN": return .absent("NXDOMAIN")
        case "SERVFAIL": return .failed(Failure(.bogus, "SERVFAIL from the validating resolver"))
        default: return .failed(Failure(.dnsError, status))
        }
        let authenticated = output.range(of: #"flags:[a-z ]* ad[ ;]"#, options: .regularExpression) != nil
        var records: [TLSARecord] = []
        for line in output.split(separator: "\n") where !line.hasPrefix(";") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            // owner TTL class TYPE rdata…; the RRSIG over the set names TLSA too, but as its rdata.
            let type = 3
            guard fields.count >= type + 5, fields[type] == "TLSA",
                  let usage = Int(fields[type + 1]), let selector = Int(fields[type + 2]),
                  let matching = Int(fields[type + 3]) else { continue }
            records.append(TLSARecord(usage: usage, selector: selector, matchingType: matching,
                                      data: fields[(type + 4)...].joined().lowercased()))
        }
        guard !records.isEmpty else { return .absent("NODATA") }
        return .present(TLSAEvidence(owner: owner, records: records,
                                     dnssec: DNSSECVerdict(authenticated ? .secure : .insecure, method: .resolver), lint: []))
    }

    /// Runs a tool off the cooperative pool and returns its exit status and its output (stdout and stderr together).
    static func run(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let result = try await ExternalCommand.run(executable, arguments)
        return (result.status, result.standardOutput + result.standardError)
    }
}

/// One MX host's `expect` block (docs/testbed.md); nil where the catalogue makes no assertion.
struct HostExpectation: Sendable {
    var domain: String
    var name: String
    var starttls: String?
    var tlsVersions: [String]?
    var webPKI: String?
    var tlsa: String?
    var dane: String?
    var weakCipher: Bool?
    var bannerDelay: Double?

    init(domain: String, _ expect: [String: Any]) {
        self.domain = domain
        name = expect["name"] as? String ?? "?"
        starttls = expect["starttls"] as? String
        tlsVersions = expect["tls_versions"] as? [String]
        webPKI = expect["webpki"] as? String
        tlsa = expect["tlsa"] as? String
        dane = expect["dane"] as? String
        weakCipher = expect["weak_cipher"] as? Bool
        bannerDelay = (expect["banner_delay"] as? NSNumber)?.doubleValue
    }
}
