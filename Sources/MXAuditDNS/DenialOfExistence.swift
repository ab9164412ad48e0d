import CMXAuditLDNS
import Foundation

/// Checks an NXDOMAIN or NODATA answer's NSEC/NSEC3 proof (RFC 4035 §5.4, RFC 5155 §8): the
/// records' signatures with the zone's keys, then the proof itself through ldns.
struct DenialOfExistence {
    let message: DNSMessage
    let name: String
    let type: UInt16
    let rcode: UInt8

    struct Proof {
        /// For a DS question: the name is a delegation without DS (NS bit, no SOA), or an NSEC3
        /// opt-out span covers it — an unsigned delegation.
        var isInsecureDelegation: Bool
        var method: String
    }

    enum Result {
        /// No NSEC or NSEC3 records: nothing to check (the caller decides whether that is allowed).
        case unsigned
        case invalid(String)
        case proven(Proof)
    }

    private var what: String { "\(name)/\(DNSType.name(type))" }
    private var negative: String { rcode == DNSRcode.nameError ? "\(name) does not exist" : "\(what) does not exist" }

    func check(zone: String, keys: LDNSRecordList, now: Date) -> Result {
        let nsecs = RRsetSelection.records(message, section: LDNS_SECTION_AUTHORITY, type: DNSType.nsec)
        let nsec3s = RRsetSelection.records(message, section: LDNS_SECTION_AUTHORITY, type: DNSType.nsec3)
        guard !nsecs.isEmpty || !nsec3s.isEmpty else { return .unsigned }
        let proofType = nsecs.isEmpty ? DNSType.nsec3 : DNSType.nsec
        let proofRecords = nsecs.isEmpty ? nsec3s : nsecs
        let signatures = RRsetSelection.signatures(message, section: LDNS_SECTION_AUTHORITY, covering: [proofType])

        for owner in Set(proofRecords.records.map { LDNSRecord.owner($0) }) {
            let rrset = proofRecords.filtered { LDNSRecord.owner($0) == owner }
            let rrsigs = signatures.filtered { LDNSRecord.owner($0) == owner }
            switch SignatureVerifier.verify(rrset: rrset, rrsigs: rrsigs, keys: keys, zone: zone, name: owner, type: proofType, now: now) {
            case .valid: continue
            case .invalid(let reason), .unsupportedAlgorithm(let reason):
                return .invalid("the proof that \(negative) is not valid: \(reason)")
            }
        }

        guard let question = Self.questionRecord(name: name, type: type) else {
            return .invalid("cannot build the question \(what) for the denial check")
        }
        defer { ldns_rr_free(question) }
        if proofType == DNSType.nsec {
            let status = ldns_dnssec_verify_denial(question, proofRecords.list, signatures.list)
            guard mxa_ldns_ok(status) != 0 else {
                return .invalid("the NSEC records do not prove that \(negative) (\(String(cString: mxa_ldns_status_message(status))))")
            }
            let exact = proofRecords.records.first { LDNSRecord.owner($0) == name }
            return .proven(Proof(isInsecureDelegation: type == DNSType.ds && exact.map(Self.isUnsignedDelegation) == true, method: "NSEC"))
        }
        var match: UnsafeMutablePointer<ldns_rr>?
        let status = ldns_dnssec_verify_denial_nsec3_match(question, proofRecords.list, signatures.list,
                                                           ldns_pkt_rcode(rawValue: UInt32(rcode)),
                                                           ldns_rr_type(rawValue: UInt32(type)),
                                                           rcode == DNSRcode.noError ? 1 : 0, &match)
        guard mxa_ldns_ok(status) != 0 else {
            return .invalid("the NSEC3 records do not prove that \(negative) (\(String(cString: mxa_ldns_status_message(status))))")
        }
        var insecure = false
        if type == DNSType.ds && rcode == DNSRcode.noError {
            if let exact = Self.exactNSEC3(for: name, in: proofRecords) {
                insecure = Self.isUnsignedDelegation(exact)
            } else {
                // No NSEC3 matches the name: the covering record's opt-out flag makes it an unsigned delegation.
                insecure = match.map { ldns_nsec3_optout($0) != 0 } ?? false
            }
        }
        return .proven(Proof(isInsecureDelegation: insecure, method: "NSEC3"))
    }

    /// NS without SOA: the parent side of a delegation (DS absence was proven by the check above).
    private static func isUnsignedDelegation(_ record: UnsafeMutablePointer<ldns_rr>) -> Bool {
        guard let bitmap = ldns_nsec_get_bitmap(record) else { return false }
        return ldns_nsec_bitmap_covers_type(bitmap, LDNS_RR_TYPE_NS) != 0
            && ldns_nsec_bitmap_covers_type(bitmap, LDNS_RR_TYPE_SOA) == 0
            && ldns_nsec_bitmap_covers_type(bitmap, LDNS_RR_TYPE_DS) == 0
    }

    /// The NSEC3 record whose owner is the hash of `name`, if any.
    private static func exactNSEC3(for name: String, in records: LDNSRecordList) -> UnsafeMutablePointer<ldns_rr>? {
        guard let nameRdf = ldns_dname_new_frm_str(name + ".") else { return nil }
        defer { ldns_rdf_deep_free(nameRdf) }
        for record in records.records {
            guard let hashed = ldns_nsec3_hash_name_frm_nsec3(record, nameRdf) else { continue }
            defer { ldns_rdf_deep_free(hashed) }
            let hashLabel = LDNSRecord.normalisedName(hashed).split(separator: ".").first.map(String.init) ?? ""
            let ownerLabel = LDNSRecord.owner(record).split(separator: ".").first.map(String.init) ?? ""
            if !hashLabel.isEmpty && hashLabel == ownerLabel { return record }
        }
        return nil
    }

    static func questionRecord(name: String, type: UInt16) -> UnsafeMutablePointer<ldns_rr>? {
        guard let rr = ldns_rr_new(), let owner = ldns_dname_new_frm_str(name + ".") else { return nil }
        ldns_rr_set_owner(rr, owner)
        ldns_rr_set_type(rr, ldns_rr_type(rawValue: UInt32(type)))
        ldns_rr_set_class(rr, LDNS_RR_CLASS_IN)
        ldns_rr_set_question(rr, 1)
        return rr
    }
}
