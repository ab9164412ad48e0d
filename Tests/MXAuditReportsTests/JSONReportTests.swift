import Foundation
import MXAuditModel
@testable import MXAuditReports
import Testing

@Suite struct JSONReportTests {
    let input = SampleFleet.input()

    @Test func documentCarriesSummariesResultsAndEvidence() throws {
        let data = try JSONReportWriter.data(input)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["schema"] as? String == "mxaudit-report")
        #expect(object["schemaVersion"] as? Int == 1)
        #expect((object["run"] as? [String: Any])?["id"] as? Int == 42)
        let clients = try #require(object["clients"] as? [[String: Any]])
        #expect(clients.map { $0["id"] as? String } == input.clients.map(\.id))
        let acme = clients[0]
        #expect((acme["summary"] as? [String: Any])?["verdict"] as? String == "non_compliant")
        #expect(((acme["rulesets"] as? [[String: Any]])?.first)?["id"] as? String == "bsi-tr-03108")
        #expect((acme["changes"] as? [[String: Any]])?.first?["kind"] as? String == "fixed")
        let domains = try #require(acme["domains"] as? [[String: Any]])
        #expect(domains.map { $0["unicode"] as? String } == ["acme.example", "shop.acme.example", "müller.example"])
        #expect((domains[1]["advice"] as? [String: Any])?["scenario"] as? String == "mta_sts_only")
        let result = try #require((domains[1]["results"] as? [[String: Any]])?.first)
        #expect(result["ruleID"] as? String == "BSI-DNSSEC-ZONE")
        #expect(result["outcome"] as? String == "fail")

        // The evidence is the stored document, exactly: it decodes to what the evidence encoder
        // round-trips (its ISO 8601 dates keep whole seconds).
        struct Document: Decodable {
            struct Client: Decodable { var domains: [Domain] }
            struct Domain: Decodable { var domain: String; var evidence: DomainEvidence? }
            var clients: [Client]
        }
        let decoded = try DomainEvidence.makeDecoder().decode(Document.self, from: data)
        for domain in decoded.clients.flatMap(\.domains) {
            let stored = try input.evidence[domain.domain].map {
                try DomainEvidence.makeDecoder().decode(DomainEvidence.self, from: DomainEvidence.makeEncoder().encode($0))
            }
            #expect(stored != nil)
            #expect(domain.evidence == stored)
        }
    }

    @Test func evidenceCanBeLeftOutAndClientsSelected() throws {
        let data = try JSONReportWriter.data(input, clients: ["dental-care"], includeEvidence: false)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let clients = try #require(object["clients"] as? [[String: Any]])
        #expect(clients.count == 1)
        let domain = try #require((clients[0]["domains"] as? [[String: Any]])?.first)
        #expect(domain["evidence"] == nil)
        #expect((object["summary"] as? [String: Any])?["score"] as? Int == ResultSummary(input.results(ofClient: "dental-care")).score)
        #expect((object["unusedWaivers"] as? [Any])?.isEmpty == true)
    }
}
