import CMXAuditLDNS
import Foundation

/// Verifies the RRSIGs over one RRset with a zone's keys and, when none verifies, says why in
/// words a person can act on ("RRSIG over example.de/MX expired 2026-11-20 12:00 UTC").
enum SignatureVerifier {
    enum Outcome: Equatable {
        case valid
        case invalid(String)
        /// Every RRSIG uses an algorithm mxaudit cannot validate: RFC 4035 §5.2 treats this as insecure.
        case unsupportedAlgorithm(String)
    }

    static func verify(rrset: LDNSRecordList, rrsigs: LDNSRecordList, keys: LDNSRecordList, zone: String,
                       name: String, type: UInt16, now: Date = Date()) -> Outcome {
        let what = "\(name)/\(DNSType.name(type))"
        guard !rrsigs.isEmpty else { return .invalid("no RRSIG over \(what) although \(zoneLabel(zone)) is signed") }
        // Only the cryptographic status is cached; the validity window is checked below on every call.
        let checks = SignatureCheckCache.current
        lazy var rrsetKey = SignatureCheckKey.RRsetPart(rrset)
        var reasons: [(rank: Int, text: String)] = []
        var unsupported: [UInt8] = []
        for rrsig in rrsigs.records {
            let signer = LDNSRecord.rrsigSigner(rrsig)
            let tag = LDNSRecord.rrsigKeyTag(rrsig)
            let algorithm = LDNSRecord.rrsigAlgorithm(rrsig)
            guard signer == zone else {
                reasons.append((1, "RRSIG over \(what) is signed by '\(signer)', not by its zone \(zoneLabel(zone))"))
                continue
            }
            guard supportedDNSSECAlgorithms.contains(algorithm) else {
                unsupported.append(algorithm)
                continue
            }
            let sameTag = keys.records.filter { LDNSRecord.dnskeyTag($0) == tag }
            let candidates = sameTag.filter { LDNSRecord.dnskeyAlgorithm($0) == algorithm }
            guard !candidates.isEmpty else {
                if let other = sameTag.first {
                    reasons.append((2, "RRSIG over \(what) uses algorithm \(algorithm) but key \(tag) of \(zoneLabel(zone)) is algorithm \(LDNSRecord.dnskeyAlgorithm(other))"))
                } else {
                    reasons.append((2, "RRSIG over \(what) names key tag \(tag), which is not in the DNSKEY set of \(zoneLabel(zone))"))
                }
                continue
            }
            let status = checks.status(for: SignatureCheckKey(rrsig: rrsig, rrset: rrsetKey, keys: candidates)) {
                if let status = ECDSASignatureCheck.status(rrset: rrset, rrsig: rrsig, keys: candidates) { return status }
                let candidateList = keys.filtered { LDNSRecord.dnskeyTag($0) == tag && LDNSRecord.dnskeyAlgorithm($0) == algorithm }
                return ldns_verify_rrsig_keylist_notime(rrset.list, rrsig, candidateList.list, nil)
            }
            guard mxa_ldns_ok(status) != 0 else {
                reasons.append((3, "RRSIG over \(what) does not verify with key \(tag) of \(zoneLabel(zone)) (\(String(cString: mxa_ldns_status_message(status))))"))
                continue
            }
            let inception = LDNSRecord.rrsigInception(rrsig), expiration = LDNSRecord.rrsigExpiration(rrsig)
            if now > expiration {
                reasons.append((4, "RRSIG over \(what) expired \(format(expiration))"))
                continue
            }
            if now < inception {
                reasons.append((4, "RRSIG over \(what) is not valid before \(format(inception))"))
                continue
            }
            return .valid
        }
        if reasons.isEmpty, let algorithm = unsupported.first {
            return .unsupportedAlgorithm("RRSIG over \(what) uses algorithm \(algorithm), which mxaudit does not validate")
        }
        // The most specific reason: a signature that verifies but is out of date beats a key-tag miss.
        let best = reasons.max { $0.rank < $1.rank }
        return .invalid(best?.text ?? "no usable RRSIG over \(what)")
    }

    static func zoneLabel(_ zone: String) -> String { zone.isEmpty ? "the root zone" : zone }

    static func format(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        return formatter.string(from: date)
    }
}
