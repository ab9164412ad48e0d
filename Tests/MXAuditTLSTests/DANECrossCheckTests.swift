import Foundation
import MXAuditExecutor
import MXAuditModel
@testable import MXAuditTLS
import Testing

/// mxaudit's DANE verdicts against ldns-dane's (ldnsutils) on the same chains and TLSA records:
/// the chains the testbed's Postfix sent to the prober, and a fresh PKI for the one case the
/// testbed cannot show (a `2 0 0` anchor the server does not send).
@Suite("DANE verdicts agree with ldns-dane", .serialized)
struct DANECrossCheckTests {
    @Test func verdictsAgreeOnTheChainsTheTestbedSends() async throws {
        let testbed = try Testbed.load()
        let settings = SMTPProbeSettings(heloName: "probe.mxaudit.test", retryDelay: 1, caFile: testbed.caFile,
                                         probeCapabilities: false)
        let prober = SMTPProber(settings: settings, executor: BlockingExecutor(maximumThreads: 4))
        var tally = Tally()
        for host in ["mx1.dane-ta.example", "mx1.dane-ee.example", "mx1.dane-expired-cert.example", "mx1.dane-mismatch.example"] {
            let (address, serverName) = try testbed.host(host)
            let tlsa = try await testbed.tlsa(for: serverName)
            let evidence = await prober.probe(address: address, family: .ipv4, serverName: serverName, tlsa: tlsa)
            let session = try #require(evidence.tls.value, "\(host): \(evidence.tls)")
            let chain = try session.chain.map { try X509Certificate(der: Array(try #require(Data(base64Encoded: $0.derBase64)))) }
            // The published RRset, exactly as the prober judged it.
            let published = try #require(tlsa.value?.records, "\(host) publishes TLSA")
            let reference = try await ldnsDANE(chain: chain, records: published, serverName: serverName)
            #expect((session.dane.status == .valid) == reference, "\(host): \(session.dane) vs ldns-dane \(reference)")
            tally.count(session.dane.status == .valid)
            // Every usage 2/3, selector and matching type this chain allows, right and wrong names.
            for record in variants(of: chain) {
                for name in [serverName, "not-\(serverName)"] {
                    try await compare(chain: chain, record: record, serverName: name, tally: &tally)
                }
            }
        }
        #expect(tally.valid >= 20 && tally.invalid >= 10, "both outcomes were exercised: \(tally)")
    }

    @Test func verdictsAgreeWhenTheAnchorIsNotInTheChain() async throws {
        let pki = try await TestPKI.make(leafName: "mx.pki.test")
        var tally = Tally()
        for selector in 0...1 {
            for matchingType in 0...2 {
                // A record that carries the anchor in full (`2 0 0`, or its bare key `2 1 0`, RFC 7671
                // §5.2.3) needs no certificate from the server; a digest of an unsent root matches nothing.
                let record = TLSARecord(usage: 2, selector: selector, matchingType: matchingType,
                                        data: tlsaData(for: pki.root, selector: selector, matchingType: matchingType))
                let verdict = try await compare(chain: pki.chain, record: record, serverName: "mx.pki.test", tally: &tally)
                #expect((verdict == .valid) == (matchingType == 0), "\(record.usage) \(selector) \(matchingType)")
            }
        }
        for record in variants(of: pki.chain) {
            try await compare(chain: pki.chain, record: record, serverName: "mx.pki.test", tally: &tally)
            try await compare(chain: pki.chain, record: record, serverName: "other.pki.test", tally: &tally)
        }
        #expect(tally.valid > 0 && tally.invalid > 0)
    }

    private struct Tally: CustomStringConvertible {
        var valid = 0, invalid = 0
        mutating func count(_ isValid: Bool) { if isValid { valid += 1 } else { invalid += 1 } }
        var description: String { "\(valid) valid, \(invalid) invalid" }
    }

    /// DANE-EE on the leaf and DANE-TA on the issuer, every selector and matching type, plus a
    /// record of each usage whose digest is one bit off.
    private func variants(of chain: [X509Certificate]) -> [TLSARecord] {
        var records: [TLSARecord] = []
        for (usage, certificate) in [(3, chain.first), (2, chain.dropFirst().first)] {
            guard let certificate else { continue }
            for selector in 0...1 {
                for matchingType in 0...2 {
                    records.append(TLSARecord(usage: usage, selector: selector, matchingType: matchingType,
                                              data: tlsaData(for: certificate, selector: selector, matchingType: matchingType)))
                }
            }
            var wrong = tlsaData(for: certificate, selector: 1, matchingType: 1)
            wrong = (wrong.first == "0" ? "1" : "0") + wrong.dropFirst()
            records.append(TLSARecord(usage: usage, selector: 1, matchingType: 1, data: wrong))
        }
        return records
    }

    @discardableResult
    private func compare(chain: [X509Certificate], record: TLSARecord, serverName: String,
                         tally: inout Tally) async throws -> DANEVerdict.Status {
        let tlsa = Observation<TLSAEvidence>.present(TLSAEvidence(
            owner: "_25._tcp.\(serverName)", records: [record], dnssec: DNSSECVerdict(.secure), lint: []))
        let ours = DANEVerifier.verify(chain: chain, tlsa: tlsa, serverName: serverName)
        let reference = try await ldnsDANE(chain: chain, records: [record], serverName: serverName)
        #expect((ours.status == .valid) == reference,
                "\(record.usage) \(record.selector) \(record.matchingType) for \(serverName): mxaudit \(ours) vs ldns-dane \(reference ? "valid" : "invalid")")
        tally.count(ours.status == .valid)
        return ours.status
    }

    /// ldns-dane's verdict: `-c` the chain, `-t` the records, `-d` take them as DNSSEC-validated.
    /// ldns-dane checks the name even for DANE-EE unless told `-n`; SMTP ignores it there (RFC 7672
    /// §3.1.1), so a set of only usage-3 records is checked with `-n`.
    private func ldnsDANE(chain: [X509Certificate], records: [TLSARecord], serverName: String) async throws -> Bool {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mxaudit-dane-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let chainFile = directory.appendingPathComponent("chain.pem").path
        let tlsaFile = directory.appendingPathComponent("tlsa.txt").path
        try chain.map { certificate in
            "-----BEGIN CERTIFICATE-----\n"
                + Data(certificate.der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
                + "\n-----END CERTIFICATE-----\n"
        }.joined().write(toFile: chainFile, atomically: true, encoding: .utf8)
        try records.map { "_25._tcp.\(serverName). 3600 IN TLSA \($0.usage) \($0.selector) \($0.matchingType) \($0.data)\n" }
            .joined().write(toFile: tlsaFile, atomically: true, encoding: .utf8)
        let nameCheck = records.allSatisfy { $0.usage == 3 } ? ["-n"] : []
        let result = try await Testbed.run("/usr/bin/ldns-dane",
                                     ["-d"] + nameCheck + ["-c", chainFile, "-t", tlsaFile, "verify", serverName, "25"])
        try #require(result.status == 0 || result.output.contains("did not dane-validate"), "ldns-dane failed: \(result.output)")
        return result.status == 0
    }
}
