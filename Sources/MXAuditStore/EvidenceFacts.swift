import Foundation
import MXAuditModel

/// The parts of a domain's evidence that a diff compares, extracted once per stored document so
/// that diffing a large fleet never holds whole evidence documents in memory.
public struct EvidenceFacts: Sendable, Equatable, Codable {
    public var zoneDNSSEC: DNSSECStatus
    public var mxStatus: ObservationStatus
    public var mxKind: MXKind?
    /// Sorted by preference, then exchange.
    public var mxRecords: [MXRecord]
    public var mxDNSSEC: DNSSECStatus?
    public var hosts: [HostFacts]
    public var mtaSTS: MTASTSFacts

    public init(_ evidence: DomainEvidence) {
        zoneDNSSEC = evidence.zoneDNSSEC.status
        mxStatus = evidence.mx.status
        let mx = evidence.mx.value
        mxKind = mx?.kind
        mxRecords = (mx?.records ?? []).sorted { ($0.preference, $0.exchange) < ($1.preference, $1.exchange) }
        mxDNSSEC = mx?.dnssec.status
        hosts = (mx?.hosts ?? []).map(HostFacts.init)
        mtaSTS = MTASTSFacts(evidence.mtaSTS)
    }

    public func host(_ name: String) -> HostFacts? { hosts.first { $0.name == name } }
}

public struct HostFacts: Sendable, Equatable, Codable {
    public var name: String
    public var tlsaStatus: ObservationStatus
    /// Sorted, so a reordered RRset is no change.
    public var tlsaRecords: [TLSARecord]
    public var tlsaDNSSEC: DNSSECStatus?
    public var endpoints: [EndpointFacts]

    init(_ host: MXHostEvidence) {
        name = host.name
        tlsaStatus = host.tlsa.status
        tlsaRecords = (host.tlsa.value?.records ?? []).sorted {
            ($0.usage, $0.selector, $0.matchingType, $0.data) < ($1.usage, $1.selector, $1.matchingType, $1.data)
        }
        tlsaDNSSEC = host.tlsa.value?.dnssec.status
        endpoints = host.endpoints.map(EndpointFacts.init)
    }

    public func endpoint(_ address: String) -> EndpointFacts? { endpoints.first { $0.address == address } }
}

public struct EndpointFacts: Sendable, Equatable, Codable {
    public var address: String
    /// The leaf certificate the server presented, when a handshake succeeded.
    public var certificate: CertificateFacts?
    public var dane: DANEVerdict.Status?

    init(_ endpoint: SMTPEndpointEvidence) {
        address = endpoint.address
        let session = endpoint.tls.value
        certificate = session?.chain.first.map(CertificateFacts.init)
        dane = session?.dane.status
    }
}

public struct CertificateFacts: Sendable, Equatable, Codable {
    public var subject: String
    public var issuer: String
    public var serialNumber: String
    public var notAfter: Date
    public var spkiSHA256: String

    init(_ certificate: CertificateInfo) {
        subject = certificate.subject
        issuer = certificate.issuer
        serialNumber = certificate.serialNumber
        notAfter = certificate.notAfter
        spkiSHA256 = certificate.spkiSHA256
    }

    /// Issuer and serial number name one certificate.
    public func isSameCertificate(as other: CertificateFacts) -> Bool {
        issuer == other.issuer && serialNumber == other.serialNumber
    }
}

/// The MTA-STS policy as senders act on it: each field from the strict reading, or from the
/// lenient one where the strict reading has none (docs/evidence.md).
public struct MTASTSFacts: Sendable, Equatable, Codable {
    public var id: String?
    public var policyStatus: ObservationStatus
    public var mode: MTASTSPolicy.Mode?
    public var maxAge: Int?
    public var mx: [String]
    public var coverage: [MXCoverage]
    /// The HTTPS server's certificate, from the policy fetch.
    public var certificate: CertificateFacts?

    init(_ evidence: MTASTSEvidence) {
        id = evidence.record.value?.id
        policyStatus = evidence.policy.status
        let policy = evidence.policy.value
        mode = policy.flatMap { $0.mode ?? $0.lenientMode }
        maxAge = policy.flatMap { $0.maxAge ?? $0.lenientMaxAge }
        mx = policy.map { $0.mx.isEmpty ? $0.lenientMX : $0.mx } ?? []
        coverage = evidence.coverage
        certificate = evidence.fetch.value?.certificate.map(CertificateFacts.init)
    }

    /// Whether senders hold a policy at all.
    public var hasPolicy: Bool { policyStatus == .present }
}
