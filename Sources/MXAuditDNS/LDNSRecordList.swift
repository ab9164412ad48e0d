import CMXAuditLDNS
import Foundation

/// An owned, immutable ldns RR list (deep-freed with its owner). Verification only reads it, so
/// one list of zone keys can be shared by every task that validates data of that zone.
final class LDNSRecordList: @unchecked Sendable {
    let list: UnsafeMutablePointer<ldns_rr_list>

    init() { list = ldns_rr_list_new() }

    deinit { ldns_rr_list_deep_free(list) }

    /// Copies the records of `section` of `message` that pass `filter`.
    convenience init(_ message: DNSMessage, section: ldns_pkt_section,
                     where filter: (UnsafeMutablePointer<ldns_rr>) -> Bool) {
        self.init()
        // The section is read in place; only the records kept are copied.
        guard let source = message.list(of: section) else { return }
        for index in 0..<ldns_rr_list_rr_count(source) {
            guard let rr = ldns_rr_list_rr(source, index), filter(rr), let copy = ldns_rr_clone(rr) else { continue }
            ldns_rr_list_push_rr(list, copy)
        }
    }

    /// Parses records in presentation format (one per line; comments and blank lines skipped).
    convenience init(presentation text: String) throws(LDNSError) {
        self.init()
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !trimmed.hasPrefix(";"), !trimmed.hasPrefix("$") else { continue }
            var rr: UnsafeMutablePointer<ldns_rr>?
            let status = ldns_rr_new_frm_str(&rr, trimmed, 3600, nil, nil)
            try check(status, "read record '\(trimmed.prefix(80))'")
            if let rr { ldns_rr_list_push_rr(list, rr) }
        }
    }

    /// The records in presentation format, one per line.
    var presentation: String {
        records.map { rr -> String in
            guard let text = ldns_rr2str(rr) else { return "" }
            defer { free(text) }
            return String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines)
        }.joined(separator: "\n")
    }

    var count: Int { ldns_rr_list_rr_count(list) }
    var isEmpty: Bool { count == 0 }

    var records: [UnsafeMutablePointer<ldns_rr>] {
        (0..<count).compactMap { ldns_rr_list_rr(list, $0) }
    }

    /// A deep copy, free to be changed.
    func copy() -> LDNSRecordList { filtered { _ in true } }

    /// A new list of copies of the records that pass `filter`.
    func filtered(_ filter: (UnsafeMutablePointer<ldns_rr>) -> Bool) -> LDNSRecordList {
        let result = LDNSRecordList()
        for rr in records where filter(rr) {
            if let copy = ldns_rr_clone(rr) { ldns_rr_list_push_rr(result.list, copy) }
        }
        return result
    }
}

/// Readable accessors over one ldns record.
enum LDNSRecord {
    static func type(_ rr: UnsafePointer<ldns_rr>) -> UInt16 { UInt16(ldns_rr_get_type(rr).rawValue) }

    static func owner(_ rr: UnsafePointer<ldns_rr>) -> String { normalisedName(ldns_rr_owner(rr)) }

    static func normalisedName(_ rdf: UnsafePointer<ldns_rdf>?) -> String {
        if let rdf, let name = DNSNameText.normalised(rdf) { return name }
        let text = DNSMessage.text(rdf).lowercased()
        return text.hasSuffix(".") ? String(text.dropLast()) : text
    }

    static func rrsigTypeCovered(_ rr: UnsafePointer<ldns_rr>) -> UInt16 {
        guard let rdf = ldns_rr_rrsig_typecovered(rr) else { return 0 }
        return ldns_rdf2native_int16(rdf)
    }

    static func rrsigSigner(_ rr: UnsafePointer<ldns_rr>) -> String { normalisedName(ldns_rr_rrsig_signame(rr)) }

    static func rrsigKeyTag(_ rr: UnsafePointer<ldns_rr>) -> UInt16 {
        ldns_rr_rrsig_keytag(rr).map { ldns_rdf2native_int16($0) } ?? 0
    }

    static func rrsigAlgorithm(_ rr: UnsafePointer<ldns_rr>) -> UInt8 {
        ldns_rr_rrsig_algorithm(rr).map { ldns_rdf2native_int8($0) } ?? 0
    }

    static func rrsigInception(_ rr: UnsafePointer<ldns_rr>) -> Date {
        Date(timeIntervalSince1970: TimeInterval(ldns_rr_rrsig_inception(rr).map { ldns_rdf2native_time_t($0) } ?? 0))
    }

    static func rrsigExpiration(_ rr: UnsafePointer<ldns_rr>) -> Date {
        Date(timeIntervalSince1970: TimeInterval(ldns_rr_rrsig_expiration(rr).map { ldns_rdf2native_time_t($0) } ?? 0))
    }

    static func dnskeyAlgorithm(_ rr: UnsafePointer<ldns_rr>) -> UInt8 {
        ldns_rr_dnskey_algorithm(rr).map { ldns_rdf2native_int8($0) } ?? 0
    }

    static func dnskeyTag(_ rr: UnsafePointer<ldns_rr>) -> UInt16 { ldns_calc_keytag(rr) }

    /// DS fields: key tag, algorithm, digest type.
    static func dsFields(_ rr: UnsafePointer<ldns_rr>) -> (tag: UInt16, algorithm: UInt8, digest: UInt8) {
        let tag = ldns_rr_rdf(rr, 0).map { ldns_rdf2native_int16($0) } ?? 0
        let algorithm = ldns_rr_rdf(rr, 1).map { ldns_rdf2native_int8($0) } ?? 0
        let digest = ldns_rr_rdf(rr, 2).map { ldns_rdf2native_int8($0) } ?? 0
        return (tag, algorithm, digest)
    }
}

/// Algorithms mxaudit validates (RFC 8624 "MUST"/"RECOMMENDED" for validation): RSA/SHA-256 (8),
/// RSA/SHA-512 (10), ECDSA P-256 (13), ECDSA P-384 (14), Ed25519 (15). RSA/SHA-1 (5, 7) is
/// validated too, as resolvers still do.
let supportedDNSSECAlgorithms: Set<UInt8> = [5, 7, 8, 10, 13, 14, 15]
/// DS digest types: SHA-1 (1), SHA-256 (2), SHA-384 (4).
let supportedDSDigests: Set<UInt8> = [1, 2, 4]
