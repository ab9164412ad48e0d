import CMXAuditLDNS
import Foundation
import MXAuditExecutor
import MXAuditModel

/// How DNSSEC verdicts are reached.
public enum DNSSECMode: Sendable {
    /// mxaudit's own validation from the trust anchors (the default).
    case validate(TrustAnchors)
    /// Trust the resolver's AD bit (`--dnssec resolver`), for users who must.
    case resolver
}

/// One looked-up RRset after CNAMEs, with its DNSSEC verdict.
public struct DNSAnswer: Sendable {
    public var name: String
    public var type: UInt16
    /// NOERROR or NXDOMAIN (other codes are failures).
    public var rcode: UInt8
    /// The name the records belong to after following CNAMEs.
    public var canonicalName: String
    /// CNAME targets in the order followed.
    public var cnameChain: [String]
    /// The RRset of `type` at `canonicalName`; empty for NXDOMAIN and NODATA.
    public var records: [DNSRecord]
    /// The verdict over the whole chain: the worst of the CNAME links and the final RRset or denial.
    public var dnssec: DNSSECVerdict

    public var isNXDOMAIN: Bool { rcode == DNSRcode.nameError }
}

/// Lookups with DNSSEC verdicts: the entry point the collectors use.
public final class DNSLookup: Sendable {
    public let resolver: DNSResolver
    private let chain: ChainOfTrust?
    /// Validated answers of shared record types, kept with their verdicts: the resolver caches
    /// the response, but judging it again for each of thousands of domains repeated the same
    /// signature checks.
    private let sharedAnswers = CoalescingCache<DNSQuestion, Result<DNSAnswer, Failure>>()
    /// At most this many CNAME links are followed (loops and long chains are failures).
    static let maxCNAMELinks = 8

    public init(settings: DNSResolver.Settings, mode: DNSSECMode, executor: BlockingExecutor = .shared) {
        var settings = settings
        switch mode {
        case .validate(let anchors):
            settings.checkingDisabled = true
            resolver = DNSResolver(settings: settings, executor: executor)
            chain = ChainOfTrust(resolver: resolver, anchors: anchors)
        case .resolver:
            settings.checkingDisabled = false
            resolver = DNSResolver(settings: settings, executor: executor)
            chain = nil
        }
    }

    /// Lookups answered from an answer already validated (they never reach the resolver).
    public func validatedAnswerHits() async -> Int { await sharedAnswers.hits }

    /// The validation work of the run so far (zero with `--dnssec resolver`).
    public func chainStatistics() async -> ChainOfTrustStatistics {
        await chain?.statistics ?? ChainOfTrustStatistics()
    }

    public func lookup(_ name: String, _ type: UInt16) async -> Result<DNSAnswer, Failure> {
        let name = DNSResolver.normalise(name)
        guard DNSResolver.sharedTypes.contains(type) else { return await lookup(name, type, depth: 0) }
        return await sharedAnswers.value(for: DNSQuestion(name: name, type: type)) { await self.lookup(name, type, depth: 0) }.value
    }

    private func lookup(_ name: String, _ type: UInt16, depth: Int) async -> Result<DNSAnswer, Failure> {
        let response: DNSResponse
        switch await resolver.query(name, type) {
        case .failure(let failure): return .failure(failure)
        case .success(let answer): response = answer
        }
        guard response.rcode == DNSRcode.noError || response.rcode == DNSRcode.nameError else {
            let kind: Failure.Kind = response.rcode == DNSRcode.serverFailure ? .dnsError : .dnsError
            return .failure(Failure(kind, "\(response.server) answered \(DNSRcode.name(response.rcode)) for \(name)/\(DNSType.name(type))"))
        }
        guard let message = try? response.message() else {
            return .failure(Failure(.protocolViolation, "unreadable answer for \(name)/\(DNSType.name(type))"))
        }
        var owner = name
        var links: [String] = []
        var verdicts: [DNSSECVerdict] = []
        while let target = response.answer.first(where: { $0.name == owner && $0.type == DNSType.cname })?.fields.first {
            guard links.count < Self.maxCNAMELinks else {
                return .failure(Failure(.protocolViolation, "more than \(Self.maxCNAMELinks) CNAME links from \(name)"))
            }
            verdicts.append(await positiveVerdict(message, owner: owner, type: DNSType.cname))
            owner = DNSResolver.normalise(target)
            guard !links.contains(owner), owner != name else {
                return .failure(Failure(.protocolViolation, "CNAME loop at \(owner)"))
            }
            links.append(owner)
        }
        let records = response.answer.filter { $0.name == owner && $0.type == type }
        if records.isEmpty, !links.isEmpty, response.authorityCount == 0, depth < 2 {
            // The resolver gave the CNAME but not its target's answer: ask for the target itself.
            switch await lookup(owner, type, depth: depth + 1) {
            case .failure(let failure): return .failure(failure)
            case .success(let rest):
                return .success(DNSAnswer(name: name, type: type, rcode: rest.rcode, canonicalName: rest.canonicalName,
                                          cnameChain: links + rest.cnameChain, records: rest.records,
                                          dnssec: Self.worst(verdicts + [rest.dnssec])))
            }
        }
        if records.isEmpty {
            verdicts.append(await negativeVerdict(message, owner: owner, type: type, rcode: response.rcode))
        } else {
            verdicts.append(await positiveVerdict(message, owner: owner, type: type))
        }
        return .success(DNSAnswer(name: name, type: type, rcode: response.rcode, canonicalName: owner, cnameChain: links,
                                  records: records, dnssec: Self.worst(verdicts)))
    }

    /// The weakest link decides: secure < insecure < indeterminate < bogus.
    static func worst(_ verdicts: [DNSSECVerdict]) -> DNSSECVerdict {
        verdicts.max { $0.status < $1.status } ?? DNSSECVerdict(.indeterminate, reason: "nothing was validated")
    }

    // MARK: - Verdicts

    private func resolverVerdict(_ message: DNSMessage) -> DNSSECVerdict {
        message.authenticatedData
            ? DNSSECVerdict(.secure, reason: "the resolver set AD", method: .resolver)
            : DNSSECVerdict(.insecure, reason: "the resolver did not set AD (not validated by mxaudit: --dnssec resolver)", method: .resolver)
    }

    private func positiveVerdict(_ message: DNSMessage, owner: String, type: UInt16) async -> DNSSECVerdict {
        guard let chain else { return resolverVerdict(message) }
        let rrset = RRsetSelection.records(message, section: LDNS_SECTION_ANSWER, owner: owner, type: type)
        let rrsigs = RRsetSelection.signatures(message, section: LDNS_SECTION_ANSWER, owner: owner, covering: type)
        let signers = Set(rrsigs.records.map { LDNSRecord.rrsigSigner($0) }).sorted()
        guard !signers.isEmpty else {
            return await unsignedVerdict(chain, owner: owner) { zone in
                "no RRSIG over \(owner)/\(DNSType.name(type)) although \(SignatureVerifier.zoneLabel(zone)) is signed"
            }
        }
        var failures: [DNSSECVerdict] = []
        for signer in signers {
            guard Self.isAncestorOrSelf(signer, of: owner) else {
                failures.append(DNSSECVerdict(.bogus, reason: "RRSIG over \(owner)/\(DNSType.name(type)) names signer \(signer), which is not above it"))
                continue
            }
            switch await chain.secureZone(signer) {
            case .secure(let zone, let keys):
                let signatures = rrsigs.filtered { LDNSRecord.rrsigSigner($0) == signer }
                switch SignatureVerifier.verify(rrset: rrset, rrsigs: signatures, keys: keys, zone: zone, name: owner, type: type) {
                case .valid: return DNSSECVerdict(.secure, zone: zone)
                case .invalid(let reason): failures.append(DNSSECVerdict(.bogus, reason: reason, zone: zone))
                case .unsupportedAlgorithm(let reason): failures.append(DNSSECVerdict(.insecure, reason: reason, zone: zone))
                }
            case .insecure(let zone, let reason): return DNSSECVerdict(.insecure, reason: reason, zone: zone)
            case .bogus(let reason): failures.append(DNSSECVerdict(.bogus, reason: reason, zone: signer))
            case .indeterminate(let reason): failures.append(DNSSECVerdict(.indeterminate, reason: reason, zone: signer))
            }
        }
        // No signer validated: report the least bad outcome (an unsupported algorithm beats a broken signature).
        return failures.min { $0.status < $1.status } ?? DNSSECVerdict(.bogus, reason: "no RRSIG validated")
    }

    private func negativeVerdict(_ message: DNSMessage, owner: String, type: UInt16, rcode: UInt8) async -> DNSSECVerdict {
        guard let chain else { return resolverVerdict(message) }
        let what = rcode == DNSRcode.nameError ? "that \(owner) does not exist" : "that \(owner) has no \(DNSType.name(type)) records"
        let proofSignatures = RRsetSelection.signatures(message, section: LDNS_SECTION_AUTHORITY,
                                                        covering: [DNSType.nsec, DNSType.nsec3, DNSType.soa])
        let claimedZone = proofSignatures.records.map { LDNSRecord.rrsigSigner($0) }.first { Self.isAncestorOrSelf($0, of: owner) }
        guard let zoneName = claimedZone else {
            return await unsignedVerdict(chain, owner: owner) { zone in
                "no signed proof \(what) although \(SignatureVerifier.zoneLabel(zone)) is signed"
            }
        }
        switch await chain.secureZone(zoneName) {
        case .secure(let zone, let keys):
            let denial = DenialOfExistence(message: message, name: owner, type: type, rcode: rcode)
            switch denial.check(zone: zone, keys: keys, now: Date()) {
            case .proven(let proof): return DNSSECVerdict(.secure, reason: "proven by \(proof.method)", zone: zone)
            case .invalid(let reason): return DNSSECVerdict(.bogus, reason: reason, zone: zone)
            case .unsigned: return DNSSECVerdict(.bogus, reason: "no NSEC or NSEC3 proof \(what) although \(SignatureVerifier.zoneLabel(zone)) is signed", zone: zone)
            }
        case .insecure(let zone, let reason): return DNSSECVerdict(.insecure, reason: reason, zone: zone)
        case .bogus(let reason): return DNSSECVerdict(.bogus, reason: reason, zone: zoneName)
        case .indeterminate(let reason): return DNSSECVerdict(.indeterminate, reason: reason, zone: zoneName)
        }
    }

    /// Data without signatures: insecure when the chain proves an unsigned delegation above it,
    /// bogus (with `missing`'s sentence) when its zone is signed.
    private func unsignedVerdict(_ chain: ChainOfTrust, owner: String, missing: (String) -> String) async -> DNSSECVerdict {
        switch await chain.chain(to: owner) {
        case .insecure(let zone, let reason): return DNSSECVerdict(.insecure, reason: reason, zone: zone)
        case .secure(let zone, _): return DNSSECVerdict(.bogus, reason: missing(zone), zone: zone)
        case .bogus(let reason): return DNSSECVerdict(.bogus, reason: reason)
        case .indeterminate(let reason): return DNSSECVerdict(.indeterminate, reason: reason)
        }
    }

    static func isAncestorOrSelf(_ ancestor: String, of name: String) -> Bool {
        ancestor.isEmpty || name == ancestor || name.hasSuffix("." + ancestor)
    }
}
