import Foundation
import MXAuditModel

/// DKIM key records (RFC 6376 §3.6.1, RFC 8463) at `<selector>._domainkey.<domain>`: key type,
/// size and revocation. Whether `_domainkey` exists at all is the DNS layer's question.
public enum DKIMKeyParser {
    /// A base64 key longer than this is not read (a 16384-bit RSA key needs about 2,800 characters).
    static let maximumKeyCharacters = 8192

    /// The key record among the TXT records: one that has a `p=` tag. None is `.absent`;
    /// several are read as the first, with a warning (verifiers may pick any).
    public static func parse(_ txt: Observation<TXTRecordSet>) -> Observation<DKIMKey> {
        let selected = VersionedTXT.select(txt, protocolName: "a DKIM key (p=)") { text in
            TagList(text, foldingLineBreaks: true).first("p") != nil
        }
        return selected.map { texts in
            var key = parse(record: texts[0])
            if texts.count > 1 {
                key.warnings.insert(LintFinding(id: "multiple_records", message: "\(texts.count) key records are published at one selector; verifiers may use any of them, mxaudit read the first"), at: 0)
            }
            return key
        }
    }

    public static func parse(record text: String) -> DKIMKey {
        var findings = Findings()
        let list = TagList(RecordLimits.prefix(text, bytes: RecordLimits.txtBytes).text, foldingLineBreaks: true)
        if let version = list.first("v"), version.position != 1 || version.value != "DKIM1" {
            findings.error("version_invalid", "v=\(version.value) must be DKIM1 and the first tag; verifiers ignore this record (RFC 6376 §3.6.1)")
        }
        let keyType = list.first("k")?.value.lowercased() ?? "rsa"
        if keyType != "rsa" && keyType != "ed25519" {
            findings.error("key_type_unknown", "k=\(keyType) is neither rsa nor ed25519")
        }
        if let flags = list.first("t")?.value, flags.split(separator: ":").contains(where: { Grammar.trimWSP($0) == "y" }) {
            findings.warning("testing", "t=y: the domain is testing DKIM, and verifiers may treat signed mail as unsigned")
        }
        if let hashes = list.first("h")?.value {
            let names = hashes.split(separator: ":").map { Grammar.trimWSP($0).lowercased() }
            if !names.contains("sha256") {
                findings.warning("sha1_only", "h=\(hashes) does not allow sha256; RFC 8301 forbids rsa-sha1 signatures")
            }
        }
        guard let p = list.first("p") else {
            findings.error("p_missing", "the record has no p= tag, which RFC 6376 §3.6.1 requires")
            return DKIMKey(keyType: keyType, keyBits: nil, revoked: false, errors: findings.errors, warnings: findings.warnings)
        }
        let base64 = String(p.value.unicodeScalars.filter { !Grammar.isWSP(Character($0)) && $0 != "\r" && $0 != "\n" })
        guard !base64.isEmpty else {
            return DKIMKey(keyType: keyType, keyBits: nil, revoked: true, errors: findings.errors, warnings: findings.warnings)
        }
        guard base64.utf8.count <= maximumKeyCharacters, let der = Data(base64Encoded: base64).map(Array.init) else {
            findings.error("p_invalid", "p= is not valid base64 (or longer than \(maximumKeyCharacters) characters)")
            return DKIMKey(keyType: keyType, keyBits: nil, revoked: false, errors: findings.errors, warnings: findings.warnings)
        }
        let bits = keyBits(der, keyType: keyType, findings: &findings)
        return DKIMKey(keyType: keyType, keyBits: bits, revoked: false, errors: findings.errors, warnings: findings.warnings)
    }

    private static func keyBits(_ der: [UInt8], keyType: String, findings: inout Findings) -> Int? {
        let info = PublicKeyDER.subjectPublicKeyInfo(der)
        switch keyType {
        case "rsa":
            if let info {
                guard info.algorithm == PublicKeyDER.rsaEncryption else {
                    findings.error("key_type_mismatch", "k=rsa, but p= holds a key of another algorithm")
                    return nil
                }
                if let bits = PublicKeyDER.rsaModulusBits(info.key) { return bits }
            } else if let bits = PublicKeyDER.rsaModulusBits(der[...]) {
                findings.warning("rsa_pkcs1_key", "p= holds a bare RSAPublicKey; RFC 6376 §3.6.1 asks for a SubjectPublicKeyInfo, which some verifiers require")
                return bits
            }
            findings.error("key_unreadable", "p= is not a DER RSA public key")
            return nil
        case "ed25519":
            if der.count == 32 { return 256 }
            if let info, info.algorithm == PublicKeyDER.ed25519, info.key.count == 32 {
                findings.warning("ed25519_spki", "p= holds an Ed25519 SubjectPublicKeyInfo; RFC 8463 §4.2 publishes the bare 32-byte key")
                return 256
            }
            findings.error("key_unreadable", "p= is not a 32-byte Ed25519 public key (\(der.count) bytes)")
            return nil
        default:
            return nil
        }
    }
}
