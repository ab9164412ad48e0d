import MXAuditModel
import Testing
@testable import MXAuditRules

/// The seed's scenarios as advice: whether the DNS chain can carry DANE decides.
@Suite("deployment advice")
struct DeploymentAdvisorTests {
    @Test func aSignedZoneWithSignedMXHostsPublishesBoth() {
        let advice = DeploymentAdvisor.advice(for: SampleEvidence.good())
        #expect(advice.scenario == "publish_both")
        #expect(advice.advice.contains("TLSA RRset at _25._tcp of every MX host"))
    }

    @Test func anUnsignedZoneGetsMTASTSOnlyAndNoUnanchoredTLSA() {
        let advice = DeploymentAdvisor.advice(for: SampleEvidence.good { evidence in
            Change.insecureZone(&evidence)
            SampleEvidence.hosts(&evidence) { host in
                guard var tlsa = host.tlsa.value else { return }
                tlsa.dnssec = DNSSECVerdict(.insecure)
                host.tlsa = .present(tlsa)
            }
        })
        #expect(advice.scenario == "mta_sts_only")
        #expect(advice.advice.contains("Do not publish a TLSA record you cannot anchor"))
        #expect(advice.advice.contains("Remove the unanchored TLSA records of mx1.good.example"))
    }

    @Test func aSignedZoneWithMXHostsAtAnUnsignedProviderGetsMTASTSOnly() {
        let advice = DeploymentAdvisor.advice(for: SampleEvidence.good(Change.insecureHost))
        #expect(advice.scenario == "mta_sts_only")
        #expect(advice.advice.contains("the MX hosts mx1.good.example are not in DNSSEC-secure zones"))
    }

    @Test func aNullMXReceivesNoMail() {
        let advice = DeploymentAdvisor.advice(for: SampleEvidence.good {
            $0.mx = .present(MXEvidence(kind: .nullMX, records: [MXRecord(preference: 0, exchange: ".")], dnssec: SampleEvidence.secure, hosts: []))
        })
        #expect(advice.scenario == "no_mail")
    }

    @Test func brokenOrUnknownEvidenceIsUndetermined() {
        let bogus = DeploymentAdvisor.advice(for: SampleEvidence.good { $0.zoneDNSSEC = DNSSECVerdict(.bogus, reason: "RRSIG expired") })
        #expect(bogus.scenario == "undetermined")
        #expect(bogus.title == "Repair DNSSEC first")
        #expect(bogus.advice.contains("RRSIG expired"))
        #expect(DeploymentAdvisor.advice(for: SampleEvidence.good(Change.unknownZone)).scenario == "undetermined")
        #expect(DeploymentAdvisor.advice(for: SampleEvidence.good { $0.mx = .failed(Failure(.timeout, "no answer")) }).scenario == "undetermined")
        #expect(DeploymentAdvisor.advice(for: SampleEvidence.good(Change.hostTimeout)).scenario == "undetermined")
    }
}
