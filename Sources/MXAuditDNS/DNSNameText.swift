import CMXAuditLDNS

/// Names in presentation form without ldns's printer: `ldns_rdf2str` formats through `printf`
/// and showed as 3 % of an audit's CPU, since every record's owner and every RRSIG's signer is
/// read as text. Names made only of letters, digits, `-`, `_` and `*` (nearly all) are written here
/// exactly as ldns writes them; anything that needs an escape goes to ldns.
enum DNSNameText {
    /// The name with its final dot (`example.com.`, the root `.`), as `ldns_rdf2str` prints it.
    static func text(_ rdf: UnsafePointer<ldns_rdf>) -> String? {
        plain(rdf, lowercased: false).map { $0.isEmpty ? "." : $0 + "." }
    }

    /// Lower-cased, without the final dot (the root is ""): `LDNSRecord.normalisedName`'s form.
    static func normalised(_ rdf: UnsafePointer<ldns_rdf>) -> String? {
        plain(rdf, lowercased: true)
    }

    /// The labels joined by dots, no final dot; nil when a label needs an escape or the wire form
    /// is not a plain uncompressed name.
    private static func plain(_ rdf: UnsafePointer<ldns_rdf>, lowercased: Bool) -> String? {
        guard ldns_rdf_get_type(rdf) == LDNS_RDF_TYPE_DNAME, let data = ldns_rdf_data(rdf) else { return nil }
        let size = ldns_rdf_size(rdf)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size)
        var offset = 0
        while offset < size {
            let length = Int(data[offset])
            offset += 1
            if length == 0 { return offset == size ? String(decoding: bytes, as: UTF8.self) : nil }
            guard length <= 63, offset + length <= size else { return nil }
            if !bytes.isEmpty { bytes.append(UInt8(ascii: ".")) }
            for index in offset..<(offset + length) {
                var byte = data[index]
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): if lowercased { byte += 32 }
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                     UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "*"): break
                default: return nil
                }
                bytes.append(byte)
            }
            offset += length
        }
        return nil
    }
}
