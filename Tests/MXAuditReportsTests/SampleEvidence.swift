import Foundation
import MXAuditModel

/// Builds realistic `DomainEvidence` by hand: signed and unsigned zones, MX hosts with addresses,
/// TLSA RRsets, STARTTLS probes with certificate chains, MTA-STS policies and mail-auth records.
/// Every text that would come from the network is a parameter, so the hostile sample can fill
/// it with script tags, control characters and 100 KB values.
enum SampleEvidence {
    struct Host {
        var name: String
        var preference = 10
        var ipv4 = ["192.0.2.25"]
        var ipv6: [String] = []
        var signed = true
        var tlsa: [TLSARecord] = [TLSARecord(usage: 3, selector: 1, matchingType: 1, data: String(repeating: "3b9f", count: 16)),
                                  TLSARecord(usage: 2, selector: 1, matchingType: 1, data: String(repeating: "a07c", count: 16))]
        var banner = "mx.example ESMTP Postfix"
        var starttls = true
        var timeout = false
        var subject = "CN=mx.example"
        var issuer = "CN=Example Issuing CA 2025,O=Example Trust,C=DE"
        var daysLeft = 74
        var webPKIProblem: String?
        var dane: DANEVerdict.Status = .valid
        var rating = "good"
        var ratingReasons: [String] = []
    }

    struct Domain {
        var name: String
        var signed = true
        var hosts: [Host]
        var stsTXT = "v=STSv1; id=20260301T000000"
        var stsMode: MTASTSPolicy.Mode? = .enforce
        var policyBody: String?
        var tlsrpt: String? = "v=TLSRPTv1; rua=mailto:tlsrpt@reports.example"
        var spf = "v=spf1 mx include:_spf.mailer.example -all"
        var dmarc = "v=DMARC1; p=reject; rua=mailto:dmarc@reports.example"
        var dmarcPolicy = "reject"
        var selectors = ["sel2025"]
    }

    static let auditStart = Date(timeIntervalSince1970: 1_777_860_000)  // 2026-05-04 02:00 UTC

    static func make(_ spec: Domain) -> DomainEvidence {
        let name = try! DomainName(spec.name)
        let zone = spec.signed ? DNSSECVerdict(.secure, zone: name.ascii)
            : DNSSECVerdict(.insecure, reason: "no DS for \(name.ascii) in its parent zone (unsigned delegation)", zone: name.ascii)
        let mxRecords = spec.hosts.map { MXRecord(preference: $0.preference, exchange: $0.name) }
        let mx = MXEvidence(kind: .explicit, records: mxRecords, dnssec: zone, hosts: spec.hosts.map(host))
        let policyBody = spec.policyBody ?? "version: STSv1\r\nmode: \(spec.stsMode?.rawValue ?? "none")\r\n"
            + spec.hosts.map { "mx: \($0.name)\r\n" }.joined() + "max_age: 604800\r\n"
        let policy: Observation<MTASTSPolicy> = spec.stsMode.map { mode in
            .present(MTASTSPolicy(version: "STSv1", mode: mode, mx: spec.hosts.map(\.name), maxAge: 604_800, errors: [],
                                  warnings: [], lenientMode: mode, lenientMX: spec.hosts.map(\.name), lenientMaxAge: 604_800))
        } ?? .absent("no policy: the _mta-sts TXT record is absent")
        let stsName = "_mta-sts." + name.ascii
        let mtaSTS = MTASTSEvidence(
            txt: spec.stsMode == nil ? .absent("NXDOMAIN for \(stsName)") : .present(txt(stsName, spec.stsTXT, zone)),
            record: spec.stsMode == nil ? .absent("no v=STSv1 record") : .present(STSRecord(id: "20260301T000000", extensions: [:], errors: [], warnings: [])),
            fetch: spec.stsMode == nil ? .skipped("no MTA-STS record") : .present(HTTPFetch(
                url: "https://mta-sts.\(name.ascii)/.well-known/mta-sts.txt", address: "192.0.2.80", status: 200,
                contentType: "text/plain", redirectLocation: nil, body: policyBody, bodyBytes: policyBody.utf8.count,
                truncated: false, tlsVersion: "TLSv1.3", certificate: certificate("CN=mta-sts.\(name.ascii)", issuer: "CN=Example Issuing CA 2025", days: 60),
                webPKI: CertificateVerdict(valid: true, daysToExpiry: 60))),
            policy: policy,
            coverage: spec.stsMode == nil ? [] : spec.hosts.map { MXCoverage(host: $0.name, matchedPattern: $0.name) })
        let rptName = "_smtp._tls." + name.ascii
        let tlsRPT = TLSRPTEvidence(
            txt: spec.tlsrpt.map { .present(txt(rptName, $0, zone)) } ?? .absent("NXDOMAIN for \(rptName)"),
            record: spec.tlsrpt.map { _ in .present(TLSRPTRecord(rua: ["mailto:tlsrpt@reports.example"], errors: [], warnings: [])) }
                ?? .absent("no v=TLSRPTv1 record"))
        let spf = SPFEvidence(txt: .present(txt(name.ascii, spec.spf, zone)),
                              record: .present(SPFRecord(text: spec.spf, allQualifier: "-", redirect: nil, dnsLookups: 3, voidLookups: 0,
                                                         lookupsComplete: true, errors: [], warnings: [])))
        let dmarcName = "_dmarc." + name.ascii
        let dmarc = DMARCEvidence(txt: .present(txt(dmarcName, spec.dmarc, zone)),
                                  record: .present(DMARCRecord(policy: spec.dmarcPolicy, subdomainPolicy: nil, percentage: 100,
                                                               rua: ["mailto:dmarc@reports.example"], ruf: [], externalAuthorisations: [:],
                                                               errors: [], warnings: [])))
        let dkim = DKIMEvidence(domainKeyNode: .present(true), selectors: spec.selectors.map {
            DKIMSelectorEvidence(selector: $0, key: .present(DKIMKey(keyType: "rsa", keyBits: 2048, revoked: false, errors: [], warnings: [])))
        })
        return DomainEvidence(domain: name, collectedAt: auditStart.addingTimeInterval(5), finishedAt: auditStart.addingTimeInterval(8.25),
                              zoneDNSSEC: zone, mx: .present(mx), mtaSTS: mtaSTS, tlsRPT: tlsRPT, spf: spf, dmarc: dmarc, dkim: dkim)
    }

    static func host(_ spec: Host) -> MXHostEvidence {
        let dnssec = spec.signed ? DNSSECVerdict(.secure, zone: spec.name) : DNSSECVerdict(.insecure, zone: spec.name)
        let tlsa: Observation<TLSAEvidence> = !spec.signed ? .skipped("the addresses of \(spec.name) are not DNSSEC-secure")
            : spec.tlsa.isEmpty ? .absent("NSEC proves _25._tcp.\(spec.name) has no TLSA")
            : .present(TLSAEvidence(owner: "_25._tcp.\(spec.name)", records: spec.tlsa, dnssec: dnssec, lint: []))
        let addresses = spec.ipv4.map { ($0, AddressFamily.ipv4) } + spec.ipv6.map { ($0, AddressFamily.ipv6) }
        return MXHostEvidence(
            name: spec.name, preference: spec.preference,
            ipv4: .present(AddressSet(addresses: spec.ipv4, dnssec: dnssec)),
            ipv6: spec.ipv6.isEmpty ? .absent("NODATA for \(spec.name)/AAAA") : .present(AddressSet(addresses: spec.ipv6, dnssec: dnssec)),
            tlsa: tlsa,
            endpoints: addresses.map { endpoint(spec, address: $0.0, family: $0.1) })
    }

    static func endpoint(_ spec: Host, address: String, family: AddressFamily) -> SMTPEndpointEvidence {
        if spec.timeout {
            let failure = Failure(.timeout, "no greeting from \(address) within 30 s")
            return SMTPEndpointEvidence(address: address, family: family, serverName: spec.name, banner: .failed(failure),
                                        ehlo: .failed(failure), starttlsOffered: nil, starttlsReply: .failed(failure),
                                        tls: .failed(failure), capabilities: .failed(failure), durationMilliseconds: 30_000)
        }
        let banner = SMTPReply(code: 220, lines: [spec.banner])
        let ehlo = SMTPReply(code: 250, lines: [spec.name, "PIPELINING", "SIZE 52428800"] + (spec.starttls ? ["STARTTLS"] : []))
        guard spec.starttls else {
            return SMTPEndpointEvidence(address: address, family: family, serverName: spec.name, banner: .present(banner),
                                        ehlo: .present(ehlo), starttlsOffered: false, starttlsReply: .skipped("STARTTLS not offered"),
                                        tls: .absent("STARTTLS not offered"), capabilities: .skipped("no TLS"), durationMilliseconds: 412)
        }
        let leaf = certificate(spec.subject, issuer: spec.issuer, days: spec.daysLeft, names: [spec.name])
        let intermediate = certificate(spec.issuer, issuer: "CN=Example Root CA,O=Example Trust,C=DE", days: 1200)
        let session = TLSSession(
            version: "TLSv1.3", cipher: "TLS_AES_256_GCM_SHA384", group: "x25519", chain: [leaf, intermediate],
            webPKI: CertificateVerdict(valid: spec.webPKIProblem == nil, problem: spec.webPKIProblem,
                                       message: spec.webPKIProblem.map { "certificate verify failed: \($0)" }, daysToExpiry: spec.daysLeft),
            dane: DANEVerdict(status: spec.dane, matched: spec.dane == .valid ? spec.tlsa.first : nil, matchedDepth: spec.dane == .valid ? 0 : nil,
                              message: spec.dane == .invalid ? "no matching DANE TLSA records" : nil))
        let capabilities = TLSCapabilities(versions: ["TLSv1": false, "TLSv1.1": false, "TLSv1.2": true, "TLSv1.3": true],
                                           forwardSecretAEAD: true, ciphers: ["TLSv1.3": "TLS_AES_256_GCM_SHA384"], groups: ["x25519"],
                                           rating: spec.rating, ratingReasons: spec.ratingReasons)
        return SMTPEndpointEvidence(address: address, family: family, serverName: spec.name, banner: .present(banner), ehlo: .present(ehlo),
                                    starttlsOffered: true, starttlsReply: .present(SMTPReply(code: 220, lines: ["2.0.0 Ready to start TLS"])),
                                    tls: .present(session), capabilities: .present(capabilities), durationMilliseconds: 640)
    }

    static func certificate(_ subject: String, issuer: String, days: Int, names: [String] = []) -> CertificateInfo {
        CertificateInfo(subject: subject, issuer: issuer, serialNumber: "4A:1F:09:77", notBefore: auditStart.addingTimeInterval(-86_400 * 30),
                        notAfter: auditStart.addingTimeInterval(86_400 * Double(days) + 3600), subjectAltNames: names, keyType: "EC",
                        keyBits: 256, signatureAlgorithm: "ecdsa-with-SHA256", spkiSHA256: String(repeating: "3b9f", count: 16),
                        derBase64: "MIIBszCCAVmgAwIBAgIUShM=")
    }

    static func txt(_ name: String, _ text: String, _ dnssec: DNSSECVerdict) -> TXTRecordSet {
        TXTRecordSet(name: name, records: [TXTRecord(strings: [text])], dnssec: dnssec)
    }
}
