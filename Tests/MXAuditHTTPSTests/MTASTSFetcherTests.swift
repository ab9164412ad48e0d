import Foundation
import MXAuditTestSupport
import MXAuditExecutor
@testable import MXAuditHTTPS
import MXAuditModel
import Testing

/// The fetcher against the testbed's nginx and against silent local listeners.
@Suite("MTA-STS policy fetcher")
struct MTASTSFetcherTests {
    let environment: TestbedEnvironment
    let executor = BlockingExecutor(maximumThreads: 8)

    init() throws { environment = try TestbedEnvironment.load() }

    private func fetcher(caFile: String? = nil, timeout: Duration = .seconds(20), maxBytes: Int = 65_536) -> MTASTSFetcher {
        MTASTSFetcher(executor: executor, caFile: caFile ?? environment.caFile, timeout: timeout, maxBytes: maxBytes)
    }

    @Test func aValidPolicyComesWithItsTLSFacts() async throws {
        let fetch = try #require(await fetcher().fetchPolicy(domain: "sts-enforce.example", addresses: ["127.60.1.1"]).value)
        #expect(fetch.url == "https://mta-sts.sts-enforce.example/.well-known/mta-sts.txt")
        #expect(fetch.status == 200 && fetch.address == "127.60.1.1")
        #expect(fetch.body.hasPrefix("version: STSv1") && fetch.bodyBytes == fetch.body.utf8.count && !fetch.truncated)
        #expect(fetch.webPKI.valid && (fetch.webPKI.daysToExpiry ?? -1) > 0)
        #expect(fetch.certificate?.subjectAltNames.contains("mta-sts.sts-enforce.example") == true)
        #expect(["TLSv1.2", "TLSv1.3"].contains(fetch.tlsVersion ?? ""))
    }

    @Test func onlyTheGivenAddressesAreUsedNeverCurlsResolver() async {
        // DNS says 127.60.1.1; nothing listens on 127.60.255.254. A refused connection proves
        // that curl connected where it was told and did not resolve the name itself.
        let fetch = await fetcher().fetchPolicy(domain: "sts-enforce.example", addresses: ["127.60.255.254"])
        #expect(fetch.failure?.kind == .network, "\(fetch)")
    }

    @Test func addressesThatAreNotIPAddressesAreRefused() async {
        let fetch = await fetcher().fetchPolicy(domain: "sts-enforce.example", addresses: ["mta-sts.sts-enforce.example", "127.60.1.1,1.2.3.4", ""])
        #expect(fetch.failure?.kind == .local, "\(fetch)")
        #expect(await fetcher().fetchPolicy(domain: "sts-enforce.example", addresses: []).failure?.kind == .local)
    }

    @Test func aBodyOverTheCapAbortsTheTransfer() async {
        let fetch = await fetcher(maxBytes: 40).fetchPolicy(domain: "sts-enforce.example", addresses: ["127.60.1.1"])
        #expect(fetch.failure?.kind == .limit, "\(fetch)")
    }

    @Test func theSystemStoreDoesNotTrustThePrivateTestbedCA() async throws {
        let system = MTASTSFetcher(executor: executor, caFile: nil, timeout: .seconds(20))
        let fetch = try #require(await system.fetchPolicy(domain: "sts-enforce.example", addresses: ["127.60.1.1"]).value)
        #expect(fetch.webPKI.valid == false && fetch.webPKI.problem == "untrusted", "\(fetch.webPKI)")
        #expect(fetch.status == nil && fetch.body.isEmpty)
        #expect(fetch.certificate?.subjectAltNames.contains("mta-sts.sts-enforce.example") == true)
    }

    /// Over IPv4 and IPv6 (which needs brackets in CURLOPT_RESOLVE): the listener sees the
    /// connection, and the silent handshake ends at the fetch's deadline.
    @Test(arguments: ["127.0.0.1", "::1"])
    func anUnansweredHandshakeEndsAtTheDeadline(address: String) async throws {
        let listener = try SilentListener(address: address)
        defer { listener.stop() }
        var fetcher = fetcher(timeout: .seconds(1))
        fetcher.port = listener.port
        let fetch = await fetcher.fetchPolicy(domain: "sts-enforce.example", addresses: [address])
        #expect(fetch.failure?.kind == .timeout, "\(fetch)")
        #expect(listener.connections == 1)
    }

    @Test func cancellingTheTaskShutsTheSocketDown() async throws {
        let listener = try SilentListener(address: "127.0.0.1")
        defer { listener.stop() }
        var fetcher = fetcher(timeout: .seconds(120))
        fetcher.port = listener.port
        let task = Task { await fetcher.fetchPolicy(domain: "sts-enforce.example", addresses: ["127.0.0.1"]) }
        for _ in 0..<500 where listener.connections == 0 { try await Task.sleep(for: .milliseconds(20)) }
        try #require(listener.connections == 1, "the fetch never connected")
        task.cancel()
        // With a 120 s timeout, only the shutdown on cancellation can end the transfer this way.
        let fetch = await task.value
        #expect(fetch.failure?.kind == .cancelled, "\(fetch)")
    }
}
