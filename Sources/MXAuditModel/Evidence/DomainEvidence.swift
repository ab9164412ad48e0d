import Foundation

/// Everything collected for one domain in one run: the document that is stored, re-judged and diffed.
/// Bump `currentSchemaVersion` on any change that alters the JSON shape, and describe it in docs/evidence.md.
public struct DomainEvidence: Sendable, Equatable, Codable {
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    public var domain: DomainName
    public var collectedAt: Date
    public var finishedAt: Date
    /// The DNSSEC state of the domain's own zone apex (its SOA), showing whether DANE is possible.
    public var zoneDNSSEC: DNSSECVerdict
    public var mx: Observation<MXEvidence>
    public var mtaSTS: MTASTSEvidence
    public var tlsRPT: TLSRPTEvidence
    public var spf: SPFEvidence
    public var dmarc: DMARCEvidence
    public var dkim: DKIMEvidence

    public init(domain: DomainName, collectedAt: Date, finishedAt: Date, zoneDNSSEC: DNSSECVerdict,
                mx: Observation<MXEvidence>, mtaSTS: MTASTSEvidence, tlsRPT: TLSRPTEvidence, spf: SPFEvidence,
                dmarc: DMARCEvidence, dkim: DKIMEvidence) {
        self.schemaVersion = Self.currentSchemaVersion
        self.domain = domain
        self.collectedAt = collectedAt
        self.finishedAt = finishedAt
        self.zoneDNSSEC = zoneDNSSEC
        self.mx = mx
        self.mtaSTS = mtaSTS
        self.tlsRPT = tlsRPT
        self.spf = spf
        self.dmarc = dmarc
        self.dkim = dkim
    }
}

extension DomainEvidence {
    /// The one JSON form of evidence: sorted keys and ISO 8601 dates, so stored documents diff cleanly.
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
