import MXAuditModel
import Testing
@testable import MXAuditRules

/// Endpoint trees are built once and shared by every domain carrying an equal endpoint; an
/// endpoint that differs in anything (here its DANE verdict) under the same address and name
/// must still get its own tree.
@Suite struct EndpointDocumentsTests {
    private static func endpoint(_ evidence: DomainEvidence) throws -> SMTPEndpointEvidence {
        try #require(evidence.mx.value?.hosts.first?.endpoints.first)
    }

    @Test func anEqualEndpointReusesItsTreeAndADifferentOneGetsItsOwn() throws {
        let documents = EndpointDocuments(capacity: 8)
        let shared = try Self.endpoint(SampleEvidence.good())
        var builds = 0
        func tree(_ endpoint: SMTPEndpointEvidence) throws -> Value {
            try documents.tree(of: endpoint) {
                builds += 1
                return try ValueEncoder.encode(endpoint)
            }
        }
        let first = try tree(shared)
        #expect(try tree(shared) == first && builds == 1, "an equal endpoint is not encoded again")

        var changed = try Self.endpoint(SampleEvidence.good { evidence in
            SampleEvidence.sessions(&evidence) { $0.dane = DANEVerdict(status: .invalid, message: "no TLSA record matches") }
        })
        #expect(changed.address == shared.address && changed.serverName == shared.serverName && changed != shared)
        let other = try tree(changed)
        let fresh = try ValueEncoder.encode(changed)
        #expect(builds == 2 && other != first && other == fresh)
        #expect(try tree(shared) == first && builds == 2, "both variants are kept")

        // More variants than are kept for one address and name: still each its own tree.
        for attempt in 2...7 {
            changed.attempts = attempt
            #expect(try tree(changed)["attempts"] == .int(attempt))
        }
    }

    @Test func domainsSharingAnEndpointGetTheDocumentTheirJSONGives() throws {
        let first = SampleEvidence.good()
        let second = SampleEvidence.good { $0.mtaSTS.policy = .absent("HTTP 404") }
        for evidence in [first, second, first] {
            let expected = try Value.document(try DomainEvidence.makeEncoder().encode(evidence))
            #expect(try ValueEncoder.encode(evidence) == expected)
        }
    }
}
