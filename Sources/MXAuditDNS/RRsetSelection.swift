import CMXAuditLDNS

/// Picks RRsets and the RRSIGs over them out of a parsed message.
enum RRsetSelection {
    static func records(_ message: DNSMessage, section: ldns_pkt_section, owner: String, type: UInt16) -> LDNSRecordList {
        LDNSRecordList(message, section: section) { LDNSRecord.type($0) == type && LDNSRecord.owner($0) == owner }
    }

    static func records(_ message: DNSMessage, section: ldns_pkt_section, type: UInt16) -> LDNSRecordList {
        LDNSRecordList(message, section: section) { LDNSRecord.type($0) == type }
    }

    static func signatures(_ message: DNSMessage, section: ldns_pkt_section, owner: String, covering type: UInt16) -> LDNSRecordList {
        LDNSRecordList(message, section: section) {
            LDNSRecord.type($0) == DNSType.rrsig && LDNSRecord.owner($0) == owner && LDNSRecord.rrsigTypeCovered($0) == type
        }
    }

    static func signatures(_ message: DNSMessage, section: ldns_pkt_section, covering types: Set<UInt16>) -> LDNSRecordList {
        LDNSRecordList(message, section: section) {
            LDNSRecord.type($0) == DNSType.rrsig && types.contains(LDNSRecord.rrsigTypeCovered($0))
        }
    }
}
