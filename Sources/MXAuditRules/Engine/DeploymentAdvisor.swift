import MXAuditModel

/// The seed's deployment scenarios as advice for one domain: whether its DNS chain can carry
/// DANE decides between "MTA-STS only" and "publish both" (README, "Why two standards?").
public enum DeploymentAdvisor {
    static let always = "Always add TLS-RPT so failures arrive as reports, and roll MTA-STS out in testing mode before enforce."

    public static func advice(for evidence: DomainEvidence) -> DeploymentAdvice {
        let mx: MXEvidence
        switch evidence.mx {
        case .present(let value): mx = value
        case .absent(let reason):
            return undetermined("The domain receives no mail as published (\(reason)); advice needs its MX records.")
        case .skipped(let reason):
            return undetermined("The MX records were not looked up (\(reason)).")
        case .failed(let failure):
            return undetermined("The MX records could not be looked up (\(failure)); advice needs them.")
        }
        if mx.kind == .nullMX {
            return DeploymentAdvice(scenario: "no_mail", title: "No mail (null MX)", advice: """
                The domain publishes a null MX (RFC 7505): it accepts no mail, so MTA-STS, DANE and TLS-RPT have nothing \
                to protect. Keep SPF "v=spf1 -all" and DMARC p=reject so that nobody can send in its name.
                """)
        }
        let zone = evidence.zoneDNSSEC
        switch zone.status {
        case .bogus:
            return undetermined("The zone's DNSSEC is broken (\(zone.reason ?? "bogus")): validating senders cannot resolve it, so mail to it fails. Repair the signatures or the DS record before deploying MTA-STS or DANE.", title: "Repair DNSSEC first")
        case .indeterminate:
            return undetermined("The zone's DNSSEC state could not be determined (\(zone.reason ?? "no reason given")).")
        case .insecure:
            var text = "The zone is not DNSSEC-signed, so DANE cannot work here: publish MTA-STS only, with TLS-RPT. Do not publish a TLSA record you cannot anchor."
            let unanchored = mx.hosts.filter { $0.tlsa.value?.dnssec.status == .insecure }.map(\.name)
            if !unanchored.isEmpty { text += " Remove the unanchored TLSA records of \(unanchored.joined(separator: ", "))." }
            return DeploymentAdvice(scenario: "mta_sts_only", title: "MTA-STS only (no DNSSEC)", advice: text + " " + always)
        case .secure:
            return signedZoneAdvice(mx)
        }
    }

    /// A signed zone: DANE also needs every MX host's addresses (and so its TLSA RRset) to be secure.
    private static func signedZoneAdvice(_ mx: MXEvidence) -> DeploymentAdvice {
        let unknown = mx.hosts.filter { host in [host.ipv4, host.ipv6].contains { $0.failure != nil } }.map(\.name)
        let unsigned = mx.hosts.filter { host in
            [host.ipv4, host.ipv6].contains { $0.value.map { $0.dnssec.status != .secure } ?? false }
        }.map(\.name)
        if !unsigned.isEmpty {
            return DeploymentAdvice(scenario: "mta_sts_only", title: "MTA-STS only (MX hosts without DNSSEC)", advice: """
                The zone is signed, but the MX hosts \(unsigned.joined(separator: ", ")) are not in DNSSEC-secure zones, so \
                no TLSA record for them can be anchored: publish MTA-STS, and DANE once the mail provider signs its zone \
                (or move to one that does). \(always)
                """)
        }
        if !unknown.isEmpty {
            return undetermined("The zone is signed, but the DNSSEC state of the MX hosts \(unknown.joined(separator: ", ")) could not be determined.")
        }
        return DeploymentAdvice(scenario: "publish_both", title: "Publish both (DNSSEC intact)", advice: """
            DNSSEC is intact on the zone and on every MX host: publish both — a TLSA RRset at _25._tcp of every MX host \
            (DANE-EE 3 1 1, with a second record for the next key so renewals do not break delivery) and an MTA-STS \
            policy for senders that do not do DANE. \(always)
            """)
    }

    private static func undetermined(_ text: String, title: String = "Undetermined") -> DeploymentAdvice {
        DeploymentAdvice(scenario: "undetermined", title: title, advice: text)
    }
}
