import Foundation
import MXAuditTestSupport
import Testing

/// `mxaudit check` against the loopback testbed (real DNS, SMTP and HTTPS servers).
@Suite("mxaudit check against the testbed")
struct CheckCommandTests {
    static func testbedOptions() throws -> [String] { try TestbedEnvironment.load().mxauditOptions }

    @Test func jsonEvidenceOfADANEDomain() async throws {
        let run = try await mxaudit(["check", "dane-ee.example", "--json"] + Self.testbedOptions())
        #expect(run.status == 0, "\(run.standardError)")
        let documents = try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [[String: Any]])
        let evidence = try #require(documents.first)
        #expect(evidence["domain"] as? String == "dane-ee.example")
        #expect((evidence["zoneDNSSEC"] as? [String: Any])?["status"] as? String == "secure")
        let mx = try #require((evidence["mx"] as? [String: Any])?["value"] as? [String: Any])
        #expect(mx["kind"] as? String == "explicit")
        let hosts = try #require(mx["hosts"] as? [[String: Any]])
        #expect(hosts.map { $0["name"] as? String } == ["mx1.dane-ee.example", "mx2.dane-ee.example"])
        for host in hosts {
            let tlsa = try #require(host["tlsa"] as? [String: Any])
            #expect(tlsa["status"] as? String == "present")
            let endpoint = try #require((host["endpoints"] as? [[String: Any]])?.first)
            #expect(endpoint["starttlsOffered"] as? Bool == true)
            let tls = try #require((endpoint["tls"] as? [String: Any])?["value"] as? [String: Any])
            #expect((tls["dane"] as? [String: Any])?["status"] as? String == "valid")
        }
    }

    @Test func readableOutputShowsFailuresAsErrorsNotAbsences() async throws {
        let run = try await mxaudit(["check", "bogus-expired.example"] + Self.testbedOptions())
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.contains("zone DNSSEC    bogus"))
        #expect(run.standardOutput.contains("expired"))
    }

    @Test func unreachableResolverIsAnErrorNeverAnAbsence() async throws {
        // Nothing listens on this testbed address: every lookup fails and says so.
        let run = try await mxaudit(["check", "dane-ee.example", "--resolver", "127.60.255.254", "--timeout", "2"])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.contains("MX             ERROR (network)"))
        #expect(!run.standardOutput.contains("absent"))
    }

    @Test func invalidDomainIsBadInput() async throws {
        let run = try await mxaudit(["check", "bad..example"])
        #expect(run.status == 2)
        #expect(run.standardError.contains("'bad..example' is not a valid domain name"))
    }
}
