import CMXAuditLDNS
import Foundation
import MXAuditModel

/// `ldns_verify_rrsig_keylist_notime` for ECDSA P-256 and P-384 (algorithms 13 and 14, most of
/// the signed DNS), with the key object kept per DNSKEY. ldns builds an EC key from the DNSKEY's
/// bytes for every check, and OpenSSL 3 converts it to a provider key again each time: a third of
/// the cost of checking a signature. The signed data is built as ldns builds it (the same public
/// ldns functions, in its order: signature TTL and wildcard owner, canonical form, canonical
/// order), and the statuses are ldns's, so the verdicts and messages stay the same. Other
/// algorithms return nil and go to ldns.
enum ECDSASignatureCheck {
    static let algorithms: Set<UInt8> = [13, 14]

    /// ldns's status for `rrsig` over `rrset` with `keys` (already filtered to the RRSIG's key tag
    /// and algorithm), or nil when the algorithm is not ECDSA.
    static func status(rrset: LDNSRecordList, rrsig: UnsafeMutablePointer<ldns_rr>,
                       keys: [UnsafeMutablePointer<ldns_rr>]) -> ldns_status? {
        let algorithm = LDNSRecord.rrsigAlgorithm(rrsig)
        guard algorithms.contains(algorithm), let first = rrset.records.first else { return nil }
        guard let covered = ldns_rr_rrsig_typecovered(rrsig), ldns_rdf2rr_type(covered) == ldns_rr_get_type(first) else {
            return LDNS_STATUS_CRYPTO_TYPE_COVERED_ERR
        }
        guard let signatureField = ldns_rr_rdf(rrsig, 8) else { return LDNS_STATUS_MISSING_RDATA_FIELDS_RRSIG }
        // Grown as needed: ldns's own 64 KiB buffers per check were a large share of malloc's work.
        guard let signature = ldns_buffer_new(160), let signedData = ldns_buffer_new(512) else { return LDNS_STATUS_MEM_ERR }
        defer {
            ldns_buffer_free(signature)
            ldns_buffer_free(signedData)
        }
        guard ldns_convert_ecdsa_rrsig_rdf2asn1(signature, signatureField) == LDNS_STATUS_OK else { return LDNS_STATUS_MEM_ERR }
        let prepared = rrset.copy()
        useSignatureTTLAndOwner(prepared, rrsig: rrsig)
        ldns_rr_list_sort(prepared.list)
        guard ldns_rrsig2buffer_wire(signedData, rrsig) == LDNS_STATUS_OK,
              ldns_rr_list2buffer_wire(signedData, prepared.list) == LDNS_STATUS_OK else { return LDNS_STATUS_MEM_ERR }

        var result = LDNS_STATUS_CRYPTO_NO_MATCHING_KEYTAG_DNSKEY
        var anyValid = false
        let tag = LDNSRecord.rrsigKeyTag(rrsig)
        for key in keys {
            let status: ldns_status
            if ldns_calc_keytag(key) != tag || LDNSRecord.dnskeyAlgorithm(key) != algorithm {
                status = LDNS_STATUS_CRYPTO_NO_MATCHING_KEYTAG_DNSKEY
            } else if let publicKey = ECDSAKeyCache.shared.key(for: key, algorithm: algorithm) {
                status = ldns_verify_rrsig_evp_raw(ldns_buffer_begin(signature), ldns_buffer_position(signature), signedData,
                                                   publicKey.handle, algorithm == 13 ? EVP_sha256() : EVP_sha384())
            } else {
                status = LDNS_STATUS_CRYPTO_BOGUS
            }
            if status == LDNS_STATUS_OK {
                anyValid = true
                result = status
            }
            if result == LDNS_STATUS_CRYPTO_NO_MATCHING_KEYTAG_DNSKEY { result = status }
        }
        return anyValid ? LDNS_STATUS_OK : result
    }

    /// ldns's `ldns_rrset_use_signature_ttl`: the RRSIG's original TTL on every record, the
    /// wildcard owner (`*.` + the RRSIG's label count of rightmost labels) where the owner has
    /// more labels, then the canonical form (lower case).
    static func useSignatureTTLAndOwner(_ records: LDNSRecordList, rrsig: UnsafeMutablePointer<ldns_rr>) {
        guard ldns_rr_rd_count(rrsig) >= 4, let ttlField = ldns_rr_rdf(rrsig, 3), let labelsField = ldns_rr_rdf(rrsig, 2) else { return }
        let originalTTL = ldns_rdf2native_int32(ttlField)
        let labels = ldns_rdf2native_int8(labelsField)
        for record in records.records {
            if let owner = ldns_rr_owner(record), labels < ldns_dname_label_count(owner) {
                var wildcard: UnsafeMutablePointer<ldns_rdf>?
                _ = ldns_str2rdf_dname(&wildcard, "*")
                var chopped = ldns_rdf_clone(owner)
                while let current = chopped, labels < ldns_dname_label_count(current) {
                    chopped = ldns_dname_left_chop(current)
                    ldns_rdf_deep_free(current)
                }
                if let wildcard, let chopped, ldns_dname_cat(wildcard, chopped) == LDNS_STATUS_OK {
                    ldns_rdf_deep_free(owner)
                    ldns_rr_set_owner(record, wildcard)
                } else if let wildcard {
                    // Out of memory: the owner stays, and the check fails as a wrong signature would.
                    ldns_rdf_deep_free(wildcard)
                }
                if let chopped { ldns_rdf_deep_free(chopped) }
            }
            ldns_rr_set_ttl(record, originalTTL)
            ldns_rr2canonical(record)
        }
    }
}

/// One EC public key object, freed with its owner.
final class ECDSAPublicKey: @unchecked Sendable {
    // OpenSSL 3 allows concurrent verification with one EVP_PKEY; it is never changed after init.
    let handle: OpaquePointer

    init?(dnskeyData: UnsafeBufferPointer<UInt8>, algorithm: UInt8) {
        guard let base = dnskeyData.baseAddress, let key = ldns_ecdsa2pkey_raw(base, dnskeyData.count, algorithm) else { return nil }
        handle = key
    }

    deinit { EVP_PKEY_free(handle) }
}

/// Key objects by (algorithm, public key bytes). A key object holds several KiB, and most zone
/// keys sign one domain's answers only, so the bound covers the domains in flight plus the
/// shared zones (TLDs, providers), which stay young by being used (a 10,000-domain run kept
/// 37 MB more at the resolver's bound of 4,096).
final class ECDSAKeyCache: @unchecked Sendable {
    static let shared = ECDSAKeyCache(capacity: 512)

    private struct Key: Hashable {
        let algorithm: UInt8
        let publicKey: [UInt8]
    }

    private let lock = NSLock()
    private var keys: GenerationalCache<Key, ECDSAPublicKey>

    init(capacity: Int) { keys = GenerationalCache(capacity: capacity) }

    func key(for dnskey: UnsafeMutablePointer<ldns_rr>, algorithm: UInt8) -> ECDSAPublicKey? {
        guard ldns_rr_rd_count(dnskey) >= 4, let field = ldns_rr_rdf(dnskey, 3), let data = ldns_rdf_data(field) else { return nil }
        let bytes = UnsafeBufferPointer(start: data, count: ldns_rdf_size(field))
        let id = Key(algorithm: algorithm, publicKey: Array(bytes))
        if let known = lock.withLock({ keys[id] }) { return known }
        guard let made = ECDSAPublicKey(dnskeyData: bytes, algorithm: algorithm) else { return nil }
        lock.withLock { keys[id] = made }
        return made
    }
}
