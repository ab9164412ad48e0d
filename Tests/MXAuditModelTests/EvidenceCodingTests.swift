import Foundation
import MXAuditModel
import Testing

@Suite("Evidence model JSON")
struct EvidenceCodingTests {
    private func json<T: Encodable>(_ value: T) throws -> [String: Any] {
        let data = try DomainEvidence.makeEncoder().encode(value)
        return try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func observationsKeepPresentAbsentErrorAndSkippedApart() throws {
        let present: Observation<Int> = .present(3)
        let absent: Observation<Int> = .absent("NXDOMAIN, proven by NSEC3")
        let failed: Observation<Int> = .failed(Failure(.timeout, "resolver 127.60.0.53 did not answer in 5 s"))
        let skipped: Observation<Int> = .skipped("MX host addresses are not DNSSEC-secure")

        #expect(try json(present)["status"] as? String == "present")
        #expect(try json(present)["value"] as? Int == 3)
        #expect(try json(absent)["reason"] as? String == "NXDOMAIN, proven by NSEC3")
        let error = try #require(try json(failed)["error"] as? [String: Any])
        #expect(error["kind"] as? String == "timeout")
        #expect(try json(failed)["status"] as? String == "error")
        #expect(try json(skipped)["status"] as? String == "skipped")

        for observation in [present, absent, failed, skipped] {
            let data = try DomainEvidence.makeEncoder().encode(observation)
            #expect(try DomainEvidence.makeDecoder().decode(Observation<Int>.self, from: data) == observation)
        }
        #expect(failed.value == nil)
        #expect(failed.failure?.kind == .timeout)
    }

    @Test func txtRecordJoinsStringsWithoutSpaces() throws {
        let record = TXTRecord(strings: ["v=STSv1; ", "id=2026112901;"])
        #expect(record.joined == "v=STSv1; id=2026112901;")
        #expect(try json(record)["text"] as? String == "v=STSv1; id=2026112901;")
    }

    @Test func domainEvidenceRoundTripsWithItsSchemaVersion() throws {
        let secure = DNSSECVerdict(.secure, zone: "example")
        let tlsa = TLSAEvidence(owner: "_25._tcp.mx1.dane.example",
                                records: [TLSARecord(usage: 3, selector: 1, matchingType: 1, data: String(repeating: "ab", count: 32))],
                                dnssec: secure, lint: [LintFinding(id: "no_rollover", message: "only one usable record")])
        let endpoint = SMTPEndpointEvidence(
            address: "127.61.0.10", family: .ipv4, serverName: "mx1.dane.example",
            banner: .present(SMTPReply(code: 220, lines: ["mx1.dane.example ESMTP"])),
            ehlo: .present(SMTPReply(code: 250, lines: ["mx1", "STARTTLS"])), starttlsOffered: true,
            starttlsReply: .present(SMTPReply(code: 220, lines: ["ready"])),
            tls: .failed(Failure(.tls, "handshake failure")), capabilities: .skipped("no handshake"),
            durationMilliseconds: 42)
        let host = MXHostEvidence(name: "mx1.dane.example", preference: 10,
                                  ipv4: .present(AddressSet(addresses: ["127.61.0.10"], dnssec: secure)),
                                  ipv6: .absent("NODATA"), tlsa: .present(tlsa), endpoints: [endpoint])
        let mx = MXEvidence(kind: .explicit, records: [MXRecord(preference: 10, exchange: "mx1.dane.example")],
                            dnssec: secure, hosts: [host])
        let noTXT: Observation<TXTRecordSet> = .absent("NXDOMAIN")
        let evidence = DomainEvidence(
            domain: try DomainName("dane.example"), collectedAt: Date(timeIntervalSince1970: 1_800_000_000),
            finishedAt: Date(timeIntervalSince1970: 1_800_000_003), zoneDNSSEC: secure, mx: .present(mx),
            mtaSTS: MTASTSEvidence(txt: noTXT, record: .absent("no _mta-sts TXT"), fetch: .skipped("no record"),
                                   policy: .skipped("no record"), coverage: []),
            tlsRPT: TLSRPTEvidence(txt: noTXT, record: .absent("no record")),
            spf: SPFEvidence(txt: .failed(Failure(.dnsError, "SERVFAIL")), record: .failed(Failure(.dnsError, "SERVFAIL"))),
            dmarc: DMARCEvidence(txt: noTXT, record: .absent("no record")),
            dkim: DKIMEvidence(domainKeyNode: .present(true), selectors: []))

        let data = try DomainEvidence.makeEncoder().encode(evidence)
        let decoded = try DomainEvidence.makeDecoder().decode(DomainEvidence.self, from: data)
        #expect(decoded == evidence)
        let object = try json(evidence)
        #expect(object["schemaVersion"] as? Int == DomainEvidence.currentSchemaVersion)
        #expect(object["collectedAt"] as? String == "2027-01-15T08:00:00Z")
        // Sorted keys: the same evidence always serialises to the same bytes (stable diffs).
        #expect(try DomainEvidence.makeEncoder().encode(decoded) == data)
    }

    @Test func calendarDaysRejectImpossibleDates() {
        #expect(CalendarDay("2027-03-31")?.description == "2027-03-31")
        #expect(CalendarDay("2028-02-29") != nil)
        #expect(CalendarDay("2027-02-29") == nil)
        #expect(CalendarDay("2027-13-01") == nil)
        #expect(CalendarDay("27-03-31") == nil)
        let day = CalendarDay("2027-03-31")!
        #expect(day.endOfDay.timeIntervalSince1970 == 1_806_537_600)
    }
}
