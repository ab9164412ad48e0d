import CMXAuditLDNS
import Foundation
import MXAuditModel

/// How far a chain of trust from the anchor reaches towards a name.
enum ChainState: Sendable {
    /// `zone` is the deepest secure zone on the path; `keys` its validated DNSKEY RRset.
    case secure(zone: String, keys: LDNSRecordList)
    /// A validated proof of an unsigned delegation at `zone`.
    case insecure(zone: String, reason: String)
    case bogus(String)
    case indeterminate(String)
}

/// What one DS lookup on the way down tells about a name.
enum DelegationStep: Sendable {
    /// A secure zone starts here; its DNSKEY RRset is validated.
    case secureCut(keys: LDNSRecordList)
    /// An unsigned delegation, proven by the parent.
    case insecureCut(String)
    /// No zone starts here (a name inside the parent zone, or an empty non-terminal).
    case notCut
    /// The name does not exist (proven): nothing below it does either.
    case nonexistent
    case bogus(String)
    case indeterminate(String)
}

/// How much validation work the chains of trust of a run did and how much they shared.
public struct ChainOfTrustStatistics: Sendable, Equatable {
    /// Delegations (DS, and DNSKEY below a DS) looked up and validated.
    public var delegationsValidated = 0
    /// Delegation steps answered from a validation already made or in flight.
    public var delegationCacheHits = 0
}

/// Builds chains of trust top-down from the trust anchor with DS and DNSKEY lookups, caching the
/// steps (bounded) so that a zone shared by many domains is validated once.
actor ChainOfTrust {
    private let resolver: DNSResolver
    private let anchors: TrustAnchors
    private var anchorState: Task<ChainState, Never>?
    /// Bounded like the resolver's cache: a provider's zone stays, each domain's own zone ages out.
    private let steps = CoalescingCache<String, DelegationStep>()
    private(set) var statistics = ChainOfTrustStatistics()
    private let now: @Sendable () -> Date

    init(resolver: DNSResolver, anchors: TrustAnchors, now: @escaping @Sendable () -> Date = { Date() }) {
        self.resolver = resolver
        self.anchors = anchors
        self.now = now
    }

    /// The chain towards `name`, walking every label (used for unsigned data and denials without
    /// signatures, to tell an insecure delegation from a stripped signature).
    func chain(to name: String) async -> ChainState {
        guard let labels = labelsBelowAnchor(name) else {
            return .indeterminate("no trust anchor covers \(name) (the anchor is for \(SignatureVerifier.zoneLabel(anchors.zone)))")
        }
        var state = await anchorChain()
        guard case .secure(var zone, var keys) = state else { return state }
        for child in labels {
            switch await step(child, parent: zone, parentKeys: keys) {
            case .secureCut(let childKeys):
                zone = child
                keys = childKeys
                state = .secure(zone: zone, keys: keys)
            case .notCut:
                continue
            case .nonexistent:
                return .secure(zone: zone, keys: keys)
            case .insecureCut(let reason):
                return .insecure(zone: child, reason: reason)
            case .bogus(let reason):
                return .bogus(reason)
            case .indeterminate(let reason):
                return .indeterminate(reason)
            }
        }
        return state
    }

    /// The chain to `zone`, which must itself be a secure zone apex (a signer name claimed by an RRSIG).
    func secureZone(_ zone: String) async -> ChainState {
        let state = await chain(to: zone)
        if case .secure(let reached, _) = state, reached != zone {
            return .bogus("data claims to be signed by \(SignatureVerifier.zoneLabel(zone)), which is not a secure zone (the chain of trust ends at \(SignatureVerifier.zoneLabel(reached)))")
        }
        return state
    }

    /// Names from the anchor (exclusive) down to `name` (inclusive), shallowest first; nil when
    /// `name` is not under the anchor.
    private func labelsBelowAnchor(_ name: String) -> [String]? {
        let labels = name.isEmpty ? [] : name.split(separator: ".").map(String.init)
        let anchorLabels = anchors.zone.isEmpty ? [] : anchors.zone.split(separator: ".").map(String.init)
        guard labels.count >= anchorLabels.count, Array(labels.suffix(anchorLabels.count)) == anchorLabels else { return nil }
        var result: [String] = []
        for depth in stride(from: labels.count - anchorLabels.count - 1, through: 0, by: -1) {
            result.append(labels[depth...].joined(separator: "."))
        }
        return result
    }

    private func anchorChain() async -> ChainState {
        if let anchorState { return await anchorState.value }
        let task = Task { await self.validateAnchorZone() }
        anchorState = task
        return await task.value
    }

    private func step(_ child: String, parent: String, parentKeys: LDNSRecordList) async -> DelegationStep {
        let (step, shared) = await steps.value(for: child) {
            await self.delegation(child, parent: parent, parentKeys: parentKeys)
        }
        if shared { statistics.delegationCacheHits += 1 } else { statistics.delegationsValidated += 1 }
        return step
    }

    // MARK: - The anchor

    private func validateAnchorZone() async -> ChainState {
        let zone = anchors.zone
        let anchorRecords: LDNSRecordList
        do { anchorRecords = try LDNSRecordList(presentation: anchors.records.joined(separator: "\n")) } catch {
            return .indeterminate("the trust anchors from \(anchors.source) cannot be read: \(error)")
        }
        let keySet: KeySet
        switch await fetchKeys(zone) {
        case .success(let fetched): keySet = fetched
        case .failure(let reason): return .indeterminate(reason)
        }
        let trusted = keySet.keys.filtered { key in
            anchorRecords.records.contains { ldns_rr_compare_ds($0, key) != 0 }
        }
        guard !trusted.isEmpty else {
            return .bogus("no DNSKEY of \(SignatureVerifier.zoneLabel(zone)) matches the trust anchor (\(anchors.source))")
        }
        switch SignatureVerifier.verify(rrset: keySet.keys, rrsigs: keySet.signatures, keys: trusted, zone: zone,
                                        name: SignatureVerifier.zoneLabel(zone), type: DNSType.dnskey, now: now()) {
        case .valid: return .secure(zone: zone, keys: keySet.keys)
        case .invalid(let reason), .unsupportedAlgorithm(let reason): return .bogus(reason)
        }
    }

    // MARK: - One delegation

    private struct KeySet {
        var keys: LDNSRecordList
        var signatures: LDNSRecordList
    }

    private enum Fetched<T> {
        case success(T)
        case failure(String)
    }

    private func fetchKeys(_ zone: String) async -> Fetched<KeySet> {
        switch await resolver.query(zone, DNSType.dnskey) {
        case .failure(let failure):
            return .failure("DNSKEY lookup for \(SignatureVerifier.zoneLabel(zone)) failed: \(failure.message)")
        case .success(let response):
            guard response.rcode == DNSRcode.noError else {
                return .failure("DNSKEY lookup for \(SignatureVerifier.zoneLabel(zone)) answered \(DNSRcode.name(response.rcode))")
            }
            guard let message = try? response.message() else { return .failure("unreadable DNSKEY answer for \(zone)") }
            let keys = RRsetSelection.records(message, section: LDNS_SECTION_ANSWER, owner: zone, type: DNSType.dnskey)
            guard !keys.isEmpty else { return .failure("\(SignatureVerifier.zoneLabel(zone)) publishes no DNSKEY records") }
            let signatures = RRsetSelection.signatures(message, section: LDNS_SECTION_ANSWER, owner: zone, covering: DNSType.dnskey)
            return .success(KeySet(keys: keys, signatures: signatures))
        }
    }

    private func delegation(_ child: String, parent: String, parentKeys: LDNSRecordList) async -> DelegationStep {
        let response: DNSResponse
        switch await resolver.query(child, DNSType.ds) {
        case .failure(let failure): return .indeterminate("DS lookup for \(child) failed: \(failure.message)")
        case .success(let answer): response = answer
        }
        guard response.rcode == DNSRcode.noError || response.rcode == DNSRcode.nameError else {
            return .indeterminate("DS lookup for \(child) answered \(DNSRcode.name(response.rcode))")
        }
        guard let message = try? response.message() else { return .indeterminate("unreadable DS answer for \(child)") }
        let dsSet = RRsetSelection.records(message, section: LDNS_SECTION_ANSWER, owner: child, type: DNSType.ds)
        if !dsSet.isEmpty {
            let signatures = RRsetSelection.signatures(message, section: LDNS_SECTION_ANSWER, owner: child, covering: DNSType.ds)
            switch SignatureVerifier.verify(rrset: dsSet, rrsigs: signatures, keys: parentKeys, zone: parent,
                                            name: child, type: DNSType.ds, now: now()) {
            case .valid: break
            case .invalid(let reason): return .bogus(reason)
            case .unsupportedAlgorithm(let reason): return .insecureCut(reason)
            }
            return await secureDelegation(child, dsSet: dsSet)
        }
        if !RRsetSelection.records(message, section: LDNS_SECTION_ANSWER, owner: child, type: DNSType.cname).isEmpty {
            return .notCut // a CNAME owner cannot be a delegation point
        }
        let denial = DenialOfExistence(message: message, name: child, type: DNSType.ds, rcode: response.rcode)
        switch denial.check(zone: parent, keys: parentKeys, now: now()) {
        case .unsigned:
            return .bogus("no signed proof that \(child) has no DS record although \(SignatureVerifier.zoneLabel(parent)) is signed")
        case .invalid(let reason):
            return .bogus(reason)
        case .proven(let proof):
            if response.rcode == DNSRcode.nameError { return .nonexistent }
            if proof.isInsecureDelegation { return .insecureCut("\(child) is an unsigned delegation: \(SignatureVerifier.zoneLabel(parent)) proves it has no DS record") }
            return .notCut
        }
    }

    private func secureDelegation(_ child: String, dsSet: LDNSRecordList) async -> DelegationStep {
        let usable = dsSet.filtered { ds in
            let fields = LDNSRecord.dsFields(ds)
            return supportedDNSSECAlgorithms.contains(fields.algorithm) && supportedDSDigests.contains(fields.digest)
        }
        guard !usable.isEmpty else {
            return .insecureCut("the DS records of \(child) use only algorithms or digests mxaudit does not validate")
        }
        let keySet: KeySet
        switch await fetchKeys(child) {
        case .success(let fetched): keySet = fetched
        case .failure(let reason): return .indeterminate(reason)
        }
        let matching = keySet.keys.filtered { key in usable.records.contains { ldns_rr_compare_ds($0, key) != 0 } }
        guard !matching.isEmpty else {
            let tags = usable.records.map { String(LDNSRecord.dsFields($0).tag) }.joined(separator: ", ")
            return .bogus("DS for \(child) (key tag \(tags)) matches no DNSKEY of \(child)")
        }
        switch SignatureVerifier.verify(rrset: keySet.keys, rrsigs: keySet.signatures, keys: matching, zone: child,
                                        name: child, type: DNSType.dnskey, now: now()) {
        case .valid: return .secureCut(keys: keySet.keys)
        case .invalid(let reason): return .bogus(reason)
        case .unsupportedAlgorithm(let reason): return .insecureCut(reason)
        }
    }
}
