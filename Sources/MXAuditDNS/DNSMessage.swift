import CMXAuditLDNS

/// One resource record copied out of an ldns packet into Swift values.
public struct DNSRecord: Sendable, Equatable, Hashable {
    /// Owner name, lower case, without the final dot.
    public var name: String
    public var type: UInt16
    public var ttl: UInt32
    /// The RDATA fields in presentation format (ldns's text for each field).
    public var fields: [String]
    /// The RDATA in wire format.
    public var rdata: [UInt8]
}

/// An owned ldns packet: built as a query or parsed from wire format, freed with its owner.
public final class DNSMessage {
    let packet: UnsafeMutablePointer<ldns_pkt>

    private init(owning packet: UnsafeMutablePointer<ldns_pkt>) { self.packet = packet }

    deinit { ldns_pkt_free(packet) }

    /// Parses a wire-format DNS message.
    public convenience init(wire: [UInt8]) throws(LDNSError) {
        var parsed: UnsafeMutablePointer<ldns_pkt>?
        let status = wire.withUnsafeBufferPointer { buffer in
            ldns_wire2pkt(&parsed, buffer.baseAddress, buffer.count)
        }
        try check(status, "parse DNS message of \(wire.count) bytes")
        guard let parsed else { throw LDNSError(LDNS_STATUS_NULL, "parse DNS message") }
        self.init(owning: parsed)
    }

    /// A query with RD, EDNS0 (DO set so signatures come back) and CD when asked (so bogus data
    /// reaches mxaudit's own validator instead of turning into SERVFAIL).
    public convenience init(query name: String, type: UInt16, dnssecOK: Bool = true, checkingDisabled: Bool = true,
                            id: UInt16 = UInt16.random(in: 0...UInt16.max)) throws(LDNSError) {
        guard let owner = ldns_dname_new_frm_str(name) else {
            throw LDNSError(LDNS_STATUS_DOMAINNAME_OVERFLOW, "make query name '\(name)'")
        }
        guard let query = ldns_pkt_query_new(owner, ldns_rr_type(rawValue: UInt32(type)), LDNS_RR_CLASS_IN, UInt16(LDNS_RD)) else {
            throw LDNSError(LDNS_STATUS_MEM_ERR, "make query for '\(name)'")
        }
        ldns_pkt_set_id(query, id)
        ldns_pkt_set_edns_udp_size(query, 1232)
        ldns_pkt_set_edns_do(query, dnssecOK ? 1 : 0)
        ldns_pkt_set_cd(query, checkingDisabled ? 1 : 0)
        self.init(owning: query)
    }

    public var id: UInt16 { ldns_pkt_id(packet) }
    public var rcode: UInt8 { UInt8(ldns_pkt_get_rcode(packet).rawValue) }
    public var isTruncated: Bool { ldns_pkt_tc(packet) != 0 }
    public var authenticatedData: Bool { ldns_pkt_ad(packet) != 0 }

    /// The message in wire format.
    public func wire() throws(LDNSError) -> [UInt8] {
        // What ldns_pkt2wire writes, into a buffer that starts small and grows: ldns_pkt2wire
        // allocates 64 KiB for every query.
        guard let buffer = ldns_buffer_new(512) else { throw LDNSError(LDNS_STATUS_MEM_ERR, "encode DNS message") }
        defer { ldns_buffer_free(buffer) }
        try check(ldns_pkt2buffer_wire(buffer, packet), "encode DNS message")
        guard let start = ldns_buffer_begin(buffer) else { return [] }
        return Array(UnsafeBufferPointer(start: start, count: ldns_buffer_position(buffer)))
    }

    public var question: [DNSRecord] { records(in: LDNS_SECTION_QUESTION) }
    public var answer: [DNSRecord] { records(in: LDNS_SECTION_ANSWER) }
    public var authority: [DNSRecord] { records(in: LDNS_SECTION_AUTHORITY) }
    public var additional: [DNSRecord] { records(in: LDNS_SECTION_ADDITIONAL) }

    /// One section's list, owned by the packet (nil for the combined sections, which ldns can
    /// only copy and no caller reads).
    func list(of section: ldns_pkt_section) -> UnsafeMutablePointer<ldns_rr_list>? {
        switch section {
        case LDNS_SECTION_QUESTION: return ldns_pkt_question(packet)
        case LDNS_SECTION_ANSWER: return ldns_pkt_answer(packet)
        case LDNS_SECTION_AUTHORITY: return ldns_pkt_authority(packet)
        case LDNS_SECTION_ADDITIONAL: return ldns_pkt_additional(packet)
        default: return nil
        }
    }

    /// The records of one section that pass `filter`, as Swift values.
    func records(in section: ldns_pkt_section, where filter: (UnsafeMutablePointer<ldns_rr>) -> Bool = { _ in true }) -> [DNSRecord] {
        guard let list = list(of: section) else { return [] }
        return (0..<ldns_rr_list_rr_count(list)).compactMap { index in
            ldns_rr_list_rr(list, index).flatMap { filter($0) ? Self.record($0) : nil }
        }
    }

    func count(in section: ldns_pkt_section) -> Int { list(of: section).map { Int(ldns_rr_list_rr_count($0)) } ?? 0 }

    static func record(_ rr: UnsafeMutablePointer<ldns_rr>) -> DNSRecord {
        var fields: [String] = []
        var rdata: [UInt8] = []
        for index in 0..<ldns_rr_rd_count(rr) {
            guard let rdf = ldns_rr_rdf(rr, index) else { continue }
            fields.append(text(rdf))
            if let data = ldns_rdf_data(rdf) {
                rdata.append(contentsOf: UnsafeBufferPointer(start: data, count: ldns_rdf_size(rdf)))
            }
        }
        return DNSRecord(name: LDNSRecord.owner(rr),
                         type: UInt16(ldns_rr_get_type(rr).rawValue), ttl: ldns_rr_ttl(rr),
                         fields: fields, rdata: rdata)
    }

    /// An rdf in presentation format; ldns allocates the string and we free it.
    static func text(_ rdf: UnsafePointer<ldns_rdf>?) -> String {
        guard let rdf else { return "" }
        if let text = RDFText.text(rdf) { return text }
        guard let cString = ldns_rdf2str(rdf) else { return "" }
        defer { free(cString) }
        return String(cString: cString)
    }
}

#if canImport(Glibc)
import Glibc
#endif
