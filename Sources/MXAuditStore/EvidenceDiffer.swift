import MXAuditModel

/// The evidence changes that matter even when no result changed: the MX set, TLSA records,
/// the MTA-STS id, mode, max_age and mx lines, certificates (issuer, key) and DNSSEC states.
enum EvidenceDiffer {
    static let nothing = "—"

    static func changes(domain: String, from old: EvidenceFacts, to new: EvidenceFacts) -> [EvidenceChange] {
        var changes: [EvidenceChange] = []
        func note(_ subject: String, _ kind: EvidenceChange.Kind, _ before: String, _ after: String) {
            if before != after { changes.append(EvidenceChange(domain: domain, subject: subject, kind: kind, before: before, after: after)) }
        }
        note(domain, .dnssec, "zone " + old.zoneDNSSEC.rawValue, "zone " + new.zoneDNSSEC.rawValue)
        note(domain, .mxSet, describeMX(old), describeMX(new))
        note(domain, .dnssec, "MX " + (old.mxDNSSEC?.rawValue ?? nothing), "MX " + (new.mxDNSSEC?.rawValue ?? nothing))
        for newHost in new.hosts {
            guard let oldHost = old.host(newHost.name) else { continue }
            note(newHost.name, .tlsaRecords, describeTLSA(oldHost), describeTLSA(newHost))
            if let before = oldHost.tlsaDNSSEC, let after = newHost.tlsaDNSSEC {
                note(newHost.name, .dnssec, "TLSA " + before.rawValue, "TLSA " + after.rawValue)
            }
            for endpoint in newHost.endpoints {
                guard let before = oldHost.endpoint(endpoint.address)?.certificate, let after = endpoint.certificate else { continue }
                changes += certificateChanges(domain: domain, subject: "\(newHost.name) \(endpoint.address)", before, after)
            }
        }
        changes += mtaSTSChanges(domain: domain, old.mtaSTS, new.mtaSTS)
        return changes
    }

    private static func mtaSTSChanges(domain: String, _ old: MTASTSFacts, _ new: MTASTSFacts) -> [EvidenceChange] {
        var changes: [EvidenceChange] = []
        func note(_ kind: EvidenceChange.Kind, _ before: String, _ after: String) {
            if before != after { changes.append(EvidenceChange(domain: domain, subject: domain, kind: kind, before: before, after: after)) }
        }
        note(.mtaSTSID, old.id ?? nothing, new.id ?? nothing)
        if old.hasPolicy && new.hasPolicy {
            note(.mtaSTSMode, old.mode?.rawValue ?? nothing, new.mode?.rawValue ?? nothing)
            note(.mtaSTSMaxAge, old.maxAge.map(String.init) ?? nothing, new.maxAge.map(String.init) ?? nothing)
            note(.mtaSTSMX, describeMXPatterns(old.mx), describeMXPatterns(new.mx))
        } else {
            // A policy that appeared or went away is one change, not one per field.
            note(.mtaSTSMode, describePolicy(old), describePolicy(new))
        }
        if let before = old.certificate, let after = new.certificate {
            changes += certificateChanges(domain: domain, subject: "mta-sts.\(domain)", before, after)
        }
        return changes
    }

    private static func certificateChanges(domain: String, subject: String, _ old: CertificateFacts,
                                           _ new: CertificateFacts) -> [EvidenceChange] {
        var changes: [EvidenceChange] = []
        if old.issuer != new.issuer {
            changes.append(EvidenceChange(domain: domain, subject: subject, kind: .certificateIssuer, before: old.issuer, after: new.issuer))
        }
        if old.spkiSHA256 != new.spkiSHA256 {
            changes.append(EvidenceChange(domain: domain, subject: subject, kind: .certificateKey,
                                          before: "SPKI SHA-256 " + old.spkiSHA256, after: "SPKI SHA-256 " + new.spkiSHA256))
        }
        return changes
    }

    static func describeMX(_ facts: EvidenceFacts) -> String {
        guard facts.mxStatus == .present, let kind = facts.mxKind else { return "MX " + facts.mxStatus.rawValue }
        switch kind {
        case .implicit: return "implicit MX (the domain's own addresses)"
        case .nullMX: return "null MX (no mail)"
        case .explicit, .nullMixed:
            return facts.mxRecords.map { "\($0.preference) \($0.exchange)" }.joined(separator: ", ")
        }
    }

    static func describeTLSA(_ host: HostFacts) -> String {
        guard host.tlsaStatus == .present else { return "TLSA " + host.tlsaStatus.rawValue }
        return host.tlsaRecords.map { "\($0.usage) \($0.selector) \($0.matchingType) \($0.data)" }.joined(separator: "; ")
    }

    static func describeMXPatterns(_ patterns: [String]) -> String {
        patterns.isEmpty ? nothing : patterns.map { $0.lowercased() }.sorted().joined(separator: ", ")
    }

    private static func describePolicy(_ facts: MTASTSFacts) -> String {
        facts.hasPolicy ? (facts.mode?.rawValue ?? nothing) : "no policy (\(facts.policyStatus.rawValue))"
    }
}
