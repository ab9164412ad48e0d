import MXAuditModel

/// The schema of the evidence JSON (docs/evidence.md) that rule expressions are checked against.
/// `EvidenceSchemaTests` encodes a fully populated `DomainEvidence` and checks that every path
/// declared here exists in the JSON and the other way round, so the two cannot drift apart.
public enum EvidenceSchema {
    // Closed sets of string values, so that `status == "secur"` is a type error, not a silent fail.
    static let dnssecStatus = ValueType.enumeration("DNSSEC status", DNSSECStatus.allCases.map(\.rawValue))
    static let dnssecMethod = ValueType.enumeration("DNSSEC method", ["validator", "resolver"])
    static let mxKind = ValueType.enumeration("MX kind", MXKind.allCases.map(\.rawValue))
    static let addressFamily = ValueType.enumeration("address family", ["ipv4", "ipv6"])
    static let daneStatus = ValueType.enumeration("DANE status", ["valid", "invalid", "unusable", "not_applicable", "indeterminate"])
    static let webPKIProblem = ValueType.enumeration(
        "WebPKI problem", ["expired", "not_yet_valid", "name_mismatch", "self_signed", "untrusted", "revoked", "other"])
    static let tlsRating = ValueType.enumeration("TLS rating", ["good", "sufficient", "phase_out", "insufficient"])
    static let stsMode = ValueType.enumeration("MTA-STS mode", ["enforce", "testing", "none"])
    static let spfQualifier = ValueType.enumeration("SPF qualifier", ["-", "~", "?", "+"])
    static let dmarcPolicy = ValueType.enumeration("DMARC policy", ["none", "quarantine", "reject"])
    public static let observationStatus = ValueType.enumeration("observation status", ObservationStatus.allCases.map(\.rawValue))
    public static let failureKind = ValueType.enumeration("failure kind", Failure.Kind.allCases.map(\.rawValue))

    static let verdict = ObjectType("DNSSECVerdict", [
        ("status", dnssecStatus), ("reason", .optional(.string)), ("zone", .optional(.string)), ("method", dnssecMethod),
    ])
    static let finding = ObjectType("LintFinding", [("id", .string), ("message", .string), ("line", .optional(.int))])
    static let findings = ValueType.list(.object(finding))
    static let txtRecordSet = ObjectType("TXTRecordSet", [
        ("name", .string),
        ("records", .list(.object(ObjectType("TXTRecord", [("strings", .list(.string)), ("text", .string)])))),
        ("dnssec", .object(verdict)),
    ])
    static let addressSet = ObjectType("AddressSet", [("addresses", .list(.string)), ("dnssec", .object(verdict))])
    static let tlsaRecord = ObjectType("TLSARecord", [
        ("usage", .int), ("selector", .int), ("matchingType", .int), ("data", .string),
    ])
    static let tlsa = ObjectType("TLSAEvidence", [
        ("owner", .string), ("records", .list(.object(tlsaRecord))), ("dnssec", .object(verdict)), ("lint", findings),
    ])
    static let smtpReply = ObjectType("SMTPReply", [("code", .int), ("lines", .list(.string))])
    static let certificate = ObjectType("CertificateInfo", [
        ("subject", .string), ("issuer", .string), ("serialNumber", .string), ("notBefore", .date), ("notAfter", .date),
        ("subjectAltNames", .list(.string)), ("keyType", .string), ("keyBits", .int), ("signatureAlgorithm", .string),
        ("spkiSHA256", .string), ("derBase64", .string),
    ])
    static let certificateVerdict = ObjectType("CertificateVerdict", [
        ("valid", .bool), ("problem", .optional(webPKIProblem)), ("message", .optional(.string)), ("daysToExpiry", .optional(.int)),
    ])
    static let daneVerdict = ObjectType("DANEVerdict", [
        ("status", daneStatus), ("matched", .optional(.object(tlsaRecord))), ("matchedDepth", .optional(.int)),
        ("message", .optional(.string)),
    ])
    static let tlsSession = ObjectType("TLSSession", [
        ("version", .string), ("cipher", .string), ("group", .optional(.string)), ("chain", .list(.object(certificate))),
        ("webPKI", .object(certificateVerdict)), ("dane", .object(daneVerdict)),
    ])
    static let capabilities = ObjectType("TLSCapabilities", [
        ("versions", .map(.bool)), ("forwardSecretAEAD", .bool), ("ciphers", .map(.string)), ("groups", .list(.string)),
        ("rating", tlsRating), ("legacySuites", .list(.string)), ("ratingReasons", .list(.string)),
        ("incomplete", .list(.string)),
    ])
    public static let endpoint = ObjectType("SMTPEndpointEvidence", [
        ("address", .string), ("family", addressFamily), ("serverName", .string),
        ("banner", .observation(.object(smtpReply))), ("ehlo", .observation(.object(smtpReply))),
        ("starttlsOffered", .optional(.bool)), ("starttlsReply", .observation(.object(smtpReply))),
        ("tls", .observation(.object(tlsSession))), ("capabilities", .observation(.object(capabilities))),
        ("durationMilliseconds", .int), ("attempts", .int),
    ])
    public static let mxHost = ObjectType("MXHostEvidence", [
        ("name", .string), ("preference", .int), ("cnameTarget", .optional(.string)),
        ("ipv4", .observation(.object(addressSet))), ("ipv6", .observation(.object(addressSet))),
        ("tlsa", .observation(.object(tlsa))), ("endpoints", .list(.object(endpoint))),
    ])
    static let mx = ObjectType("MXEvidence", [
        ("kind", mxKind),
        ("records", .list(.object(ObjectType("MXRecord", [("preference", .int), ("exchange", .string)])))),
        ("dnssec", .object(verdict)), ("hosts", .list(.object(mxHost))),
    ])
    static let stsRecord = ObjectType("STSRecord", [
        ("id", .optional(.string)), ("extensions", .map(.string)), ("errors", findings), ("warnings", findings),
    ])
    static let httpFetch = ObjectType("HTTPFetch", [
        ("url", .string), ("address", .optional(.string)), ("status", .optional(.int)), ("contentType", .optional(.string)),
        ("redirectLocation", .optional(.string)), ("body", .string), ("bodyBytes", .int), ("truncated", .bool),
        ("tlsVersion", .optional(.string)), ("certificate", .optional(.object(certificate))),
        ("webPKI", .object(certificateVerdict)),
    ])
    static let stsPolicy = ObjectType("MTASTSPolicy", [
        ("version", .optional(.string)), ("mode", .optional(stsMode)), ("mx", .list(.string)), ("maxAge", .optional(.int)),
        ("extensions", .map(.string)), ("errors", findings), ("warnings", findings), ("lenientMode", .optional(stsMode)),
        ("lenientMX", .list(.string)), ("lenientMaxAge", .optional(.int)),
    ])
    static let mtaSTS = ObjectType("MTASTSEvidence", [
        ("txt", .observation(.object(txtRecordSet))), ("record", .observation(.object(stsRecord))),
        ("fetch", .observation(.object(httpFetch))), ("policy", .observation(.object(stsPolicy))),
        ("coverage", .list(.object(ObjectType("MXCoverage", [("host", .string), ("matchedPattern", .optional(.string))])))),
    ])
    static let tlsRPT = ObjectType("TLSRPTEvidence", [
        ("txt", .observation(.object(txtRecordSet))),
        ("record", .observation(.object(ObjectType("TLSRPTRecord", [
            ("rua", .list(.string)), ("errors", findings), ("warnings", findings),
        ])))),
    ])
    static let spf = ObjectType("SPFEvidence", [
        ("txt", .observation(.object(txtRecordSet))),
        ("record", .observation(.object(ObjectType("SPFRecord", [
            ("text", .string), ("allQualifier", .optional(spfQualifier)), ("redirect", .optional(.string)),
            ("dnsLookups", .int), ("voidLookups", .int), ("lookupsComplete", .bool), ("errors", findings),
            ("warnings", findings),
        ])))),
    ])
    static let dmarc = ObjectType("DMARCEvidence", [
        ("txt", .observation(.object(txtRecordSet))),
        ("record", .observation(.object(ObjectType("DMARCRecord", [
            ("policy", .optional(dmarcPolicy)), ("subdomainPolicy", .optional(dmarcPolicy)), ("percentage", .int),
            ("rua", .list(.string)), ("ruf", .list(.string)), ("externalAuthorisations", .map(.observation(.bool))),
            ("errors", findings), ("warnings", findings),
        ])))),
    ])
    static let dkim = ObjectType("DKIMEvidence", [
        ("domainKeyNode", .observation(.bool)),
        ("selectors", .list(.object(ObjectType("DKIMSelectorEvidence", [
            ("selector", .string),
            ("key", .observation(.object(ObjectType("DKIMKey", [
                ("keyType", .string), ("keyBits", .optional(.int)), ("revoked", .bool), ("errors", findings),
                ("warnings", findings),
            ])))),
        ])))),
    ])

    /// `DomainEvidence`: the root of every rule in the `domain` scope.
    public static let domainEvidence = ObjectType("DomainEvidence", [
        ("schemaVersion", .int), ("domain", .string), ("collectedAt", .date), ("finishedAt", .date),
        ("zoneDNSSEC", .object(verdict)), ("mx", .observation(.object(mx))), ("mtaSTS", .object(mtaSTS)),
        ("tlsRPT", .object(tlsRPT)), ("spf", .object(spf)), ("dmarc", .object(dmarc)), ("dkim", .object(dkim)),
    ])

    /// The names a rule's expressions start from, per scope (docs/rules.md, "Scopes").
    public static func root(for scope: RuleScope) -> ObjectType {
        switch scope {
        case .domain:
            return domainEvidence
        case .mxHost:
            return ObjectType("mx_host subject", [("host", .object(mxHost)), ("evidence", .object(domainEvidence))])
        case .mxAddress:
            return ObjectType("mx_address subject", [
                ("endpoint", .object(endpoint)), ("host", .object(mxHost)), ("evidence", .object(domainEvidence)),
            ])
        }
    }
}
