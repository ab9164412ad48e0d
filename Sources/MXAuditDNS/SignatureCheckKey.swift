import CMXAuditLDNS
import MXAuditDigest

/// What decides the cryptographic result of one `ldns_verify_rrsig_keylist_notime` call, as a
/// SHA-256 digest: a cached result may only be reused for the very same inputs, so everything
/// ldns reads goes in, in an unambiguous (length-prefixed, typed) encoding.
///
/// What ldns reads (dnssec_verify.c, `ldns_prepare_for_verify` and `ldns_verify_test_sig_key`):
/// - the RRSIG's RDATA (every field, the signature included; not its owner or TTL);
/// - the type of the RRset's first record (checked against the type covered);
/// - the RRset's records after `ldns_rr2canonical`, with the TTL replaced by the RRSIG's original
///   TTL and sorted: so each record counts in canonical form without its TTL, as a sorted
///   multiset (a duplicate record changes the signed data, so duplicates stay);
/// - the candidate keys' type and RDATA (not their owner or TTL), in order (the first failing
///   key's status is the one reported).
struct SignatureCheckKey: Hashable, Sendable {
    private let words: (UInt64, UInt64, UInt64, UInt64)

    /// The RRset's part of the key, encoded once for all RRSIGs over it.
    struct RRsetPart {
        fileprivate let bytes: [UInt8]

        init(_ rrset: LDNSRecordList) {
            let records = rrset.records
            var encoder = Encoder(capacity: 16 + 128 * records.count)
            encoder.append(UInt32(records.count))
            encoder.append(records.first.map { LDNSRecord.type($0) } ?? 0)
            for record in records.map(Self.canonicalRecord).sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                encoder.append(bytes: record)
            }
            bytes = encoder.bytes
        }

        /// Owner, type, class and RDATA as ldns signs them: lower-cased by `ldns_rr2canonical`, no TTL.
        private static func canonicalRecord(_ rr: UnsafeMutablePointer<ldns_rr>) -> [UInt8] {
            var encoder = Encoder(capacity: 128)
            // The shared record is only read; ldns lower-cases a copy, as its own verification does.
            guard let copy = ldns_rr_clone(rr) else {
                encoder.appendRecord(rr, withOwner: true) // out of memory: the raw record is a stricter key
                return encoder.bytes
            }
            defer { ldns_rr_free(copy) }
            ldns_rr2canonical(copy)
            encoder.appendRecord(copy, withOwner: true)
            return encoder.bytes
        }
    }

    init(rrsig: UnsafeMutablePointer<ldns_rr>, rrset: RRsetPart, keys: [UnsafeMutablePointer<ldns_rr>]) {
        var encoder = Encoder(capacity: 384 + rrset.bytes.count + 288 * keys.count)
        encoder.append(UInt32(1)) // the version of this encoding
        encoder.appendRecord(rrsig, withOwner: false)
        encoder.append(bytes: rrset.bytes)
        encoder.append(UInt32(keys.count))
        for key in keys { encoder.appendRecord(key, withOwner: false) }
        words = encoder.sha256()
    }

    static func == (lhs: Self, rhs: Self) -> Bool { lhs.words == rhs.words }

    func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }

    /// Length-prefixed big-endian fields, so no two different inputs encode alike.
    private struct Encoder {
        private(set) var bytes: [UInt8] = []

        init(capacity: Int) { bytes.reserveCapacity(capacity) }

        mutating func append(_ value: UInt16) {
            bytes.append(UInt8(truncatingIfNeeded: value >> 8))
            bytes.append(UInt8(truncatingIfNeeded: value))
        }

        mutating func append(_ value: UInt32) {
            append(UInt16(truncatingIfNeeded: value >> 16))
            append(UInt16(truncatingIfNeeded: value))
        }

        mutating func append(bytes more: [UInt8]) {
            append(UInt32(more.count))
            bytes.append(contentsOf: more)
        }

        mutating func append(rdf: UnsafePointer<ldns_rdf>?) {
            guard let rdf else { return append(UInt32.max) }
            append(UInt32(ldns_rdf_get_type(rdf).rawValue))
            let size = ldns_rdf_size(rdf)
            append(UInt32(size))
            if let data = ldns_rdf_data(rdf) { bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: size)) }
        }

        /// The record's type, class (and owner when asked) and every RDATA field; never its TTL.
        mutating func appendRecord(_ rr: UnsafePointer<ldns_rr>, withOwner: Bool) {
            if withOwner { append(rdf: ldns_rr_owner(rr)) }
            append(LDNSRecord.type(rr))
            append(UInt16(truncatingIfNeeded: ldns_rr_get_class(rr).rawValue))
            let count = ldns_rr_rd_count(rr)
            append(UInt32(count))
            for index in 0..<count { append(rdf: ldns_rr_rdf(rr, index)) }
        }

        /// The SHA-256 of the bytes (OpenSSL's: several times faster here than ldns's own).
        func sha256() -> (UInt64, UInt64, UInt64, UInt64) {
            let digest = bytes.withUnsafeBytes { Digest.bytes($0) }
            var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
            withUnsafeMutableBytes(of: &words) { $0.copyBytes(from: digest.prefix(32)) }
            return words
        }
    }
}
