import CMXAuditLDNS
import Foundation

/// The presentation form of the common fields (names through `DNSNameText`, addresses, numbers,
/// plain character strings) without ldns's printer, which allocates a 64 KiB buffer and formats
/// through `printf` for every field. Exactly ldns's text; anything else (escapes, other types)
/// goes to ldns.
enum RDFText {
    static func text(_ rdf: UnsafePointer<ldns_rdf>) -> String? {
        guard let data = ldns_rdf_data(rdf) else { return nil }
        let size = ldns_rdf_size(rdf)
        switch ldns_rdf_get_type(rdf) {
        case LDNS_RDF_TYPE_DNAME:
            return DNSNameText.text(rdf)
        case LDNS_RDF_TYPE_A where size == 4:
            return "\(data[0]).\(data[1]).\(data[2]).\(data[3])"
        case LDNS_RDF_TYPE_AAAA where size == 16:
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            guard inet_ntop(AF_INET6, data, &buffer, socklen_t(buffer.count)) != nil else { return nil }
            return String(cString: buffer)
        case LDNS_RDF_TYPE_INT8 where size == 1:
            return String(data[0])
        case LDNS_RDF_TYPE_INT16 where size == 2:
            return String(UInt16(data[0]) << 8 | UInt16(data[1]))
        case LDNS_RDF_TYPE_INT32 where size == 4:
            return String(UInt32(data[0]) << 24 | UInt32(data[1]) << 16 | UInt32(data[2]) << 8 | UInt32(data[3]))
        case LDNS_RDF_TYPE_STR where size >= 1 && Int(data[0]) == size - 1:
            // Printable ASCII without quote or backslash needs no escape: ldns writes it as is.
            var bytes: [UInt8] = [UInt8(ascii: "\"")]
            bytes.reserveCapacity(size + 1)
            for index in 1..<size {
                let byte = data[index]
                guard byte >= 0x20, byte < 0x7F, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") else { return nil }
                bytes.append(byte)
            }
            bytes.append(UInt8(ascii: "\""))
            return String(decoding: bytes, as: UTF8.self)
        default:
            return nil
        }
    }
}
