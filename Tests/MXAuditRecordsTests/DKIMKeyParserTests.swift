import MXAuditModel
import MXAuditRecords
import Testing

/// Keys generated with `openssl genrsa`/`genpkey` and exported as published in DNS.
enum RecordedKeys {
    static let rsa1024SPKI = "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDaPPJdGLBxicSSH9EnbYmm6eCvtlojxnjtjfCS5AB9oTouzacMOd+65I7dOLzYcf+mvtjEjUl29vTIgiZ/Qa5GtosG9ELwMs16rZdoPIrMFrhVeM39v2lupZSN2ST5byoS2mlXpzCIcfJvyuYYQIxGewnuyk8NnDM/QSBdF8mxmQIDAQAB"
    static let rsa2048SPKI = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA1BlzcAa4IGGb1Dbd4tDmXq6u3eDxf2JWKRdIzCK/NKcrmVELOA2NgwjvckunEN8IYoaqheFwfYAa6gFAN8POhlbRGd7H+vt1o2ijYHNFpS5ZJz5sx+JSntRqK4tk3fjWu8yfY2vU8b0A9TnIRTAzj5/LwteFa69NwG2rbzudf4xz3O4yuQ1cuB9gYQNgXErT96x4GrLw3RKgareKhUYqeAs6IGSDSclTH/zEjWw4xGWjCMGw6jrcgqy9ijm99h8iqXTpMO51feZWgNnx22WQnQELh/Hz/TC6Pc3BksT/BJzBpU4wYU/UNT/c3RKn1heIZNZ34bb8PY1cORcd8FS3PQIDAQAB"
    static let rsa3072SPKI = "MIIBojANBgkqhkiG9w0BAQEFAAOCAY8AMIIBigKCAYEArhe85g6THRmBGgCNkapZwDJmbKE46POxXBwcVmm/+ZAWyGNH70c9RfDNaI9ZpYNvxTpEdCkJcGYa2t8XgfYerTcjC16jjmTbWYktcb7essXtkD6+NH8dmMvNbbkVDdc/UsT7AG0RmWszsVfA/H3ZvaVMHhm4cz3l1y3xEEHJtBSGXtqTwntyr6Mi5k0iUal/tBv4T8spEXNYhOUq/B5NE+aAi38NdgtGi/vriaIOCjq2mqaa7ju5X150F6K951pzDkN7SjxANQj96Yqi+LpetzC/0UspOVvYMOtWcrsvgBeDUGOWGqHRPVjq0lM8do35O5aQtdXnFnd1DST2uX3E7wyyZUGTr8D0d7BvAmO2PKgGFBia+QEUwO+0uEk7I2FUAGD3O8BgyOrC4bdiKFeC0TsC3Ijhwqiha6UgbqaV836em3eZCdXP93AkqMIa4c8Z0XCnu9ZNvEH5XqRGEqdPWTb+iRymXt0bkM7EezVMW9xbNEjj/oa4ZS6Q0KQH1VcPAgMBAAE="
    static let rsa1024PKCS1 = "MIGJAoGBANo88l0YsHGJxJIf0Sdtiabp4K+2WiPGeO2N8JLkAH2hOi7Npww537rkjt04vNhx/6a+2MSNSXb29MiCJn9Brka2iwb0QvAyzXqtl2g8iswWuFV4zf2/aW6llI3ZJPlvKhLaaVenMIhx8m/K5hhAjEZ7Ce7KTw2cMz9BIF0XybGZAgMBAAE="
    static let ed25519Raw = "k9qWX0cEIQKvFxBgG1bDwA1kGuPwfGzAWUEWrG/ImOk="
    static let ed25519SPKI = "MCowBQYDK2VwAyEAk9qWX0cEIQKvFxBgG1bDwA1kGuPwfGzAWUEWrG/ImOk="
}

@Suite("DKIM key records (RFC 6376 §3.6.1, RFC 8463)")
struct DKIMKeyParserTests {
    private func key(_ records: String...) throws -> DKIMKey {
        try #require(DKIMKeyParser.parse(TXTFixtures.txt("sel1._domainkey.example.com", records.map { [$0] })).value)
    }

    @Test(arguments: [
        ("v=DKIM1; k=rsa; p=\(RecordedKeys.rsa1024SPKI)", "rsa", 1024),
        ("v=DKIM1; p=\(RecordedKeys.rsa2048SPKI)", "rsa", 2048),          // k defaults to rsa
        ("k=rsa; p=\(RecordedKeys.rsa3072SPKI)", "rsa", 3072),
        ("v=DKIM1; k=ed25519; p=\(RecordedKeys.ed25519Raw)", "ed25519", 256),
        ("v=DKIM1; k=ED25519; h=sha256; p=\(RecordedKeys.ed25519Raw)", "ed25519", 256),
    ])
    func keyTypeAndSize(record: String, type: String, bits: Int) throws {
        let key = try key(record)
        #expect(key.keyType == type)
        #expect(key.keyBits == bits)
        #expect(!key.revoked)
        #expect(key.isValid && key.warnings.isEmpty, "\(key.errors) \(key.warnings)")
    }

    @Test func aKeySplitOverStringsAndFoldedWithWhitespace() throws {
        let half = RecordedKeys.rsa2048SPKI.index(RecordedKeys.rsa2048SPKI.startIndex, offsetBy: 200)
        let split = try #require(DKIMKeyParser.parse(TXTFixtures.txt("s._domainkey.example.com", [[
            "v=DKIM1; k=rsa; p=" + RecordedKeys.rsa2048SPKI[..<half], String(RecordedKeys.rsa2048SPKI[half...]),
        ]])).value)
        #expect(split.keyBits == 2048)
        let folded = try key("v=DKIM1; k=rsa;\r\n\tp=" + RecordedKeys.rsa1024SPKI.prefix(60) + " " + RecordedKeys.rsa1024SPKI.dropFirst(60))
        #expect(folded.keyBits == 1024)
    }

    @Test func anEmptyPMeansRevoked() throws {
        let revoked = try key("v=DKIM1; k=rsa; p=")
        #expect(revoked.revoked)
        #expect(revoked.keyBits == nil)
        #expect(revoked.isValid)
    }

    @Test func unusualButReadableEncodings() throws {
        let pkcs1 = try key("v=DKIM1; p=\(RecordedKeys.rsa1024PKCS1)")
        #expect(pkcs1.keyBits == 1024)
        #expect(pkcs1.warnings.ids == ["rsa_pkcs1_key"])
        let spki = try key("v=DKIM1; k=ed25519; p=\(RecordedKeys.ed25519SPKI)")
        #expect(spki.keyBits == 256)
        #expect(spki.warnings.ids == ["ed25519_spki"])
    }

    @Test(arguments: [
        ("v=DKIM1; k=rsa; p=!!notbase64!!", "p_invalid"),
        ("v=DKIM1; k=rsa; p=AAAA", "key_unreadable"),
        ("v=DKIM1; k=ed25519; p=\(RecordedKeys.rsa1024SPKI)", "key_unreadable"),
        ("v=DKIM1; k=rsa; p=\(RecordedKeys.ed25519SPKI)", "key_type_mismatch"),
        ("v=DKIM1; k=dsa; p=\(RecordedKeys.rsa1024SPKI)", "key_type_unknown"),
        ("v=DKIM2; p=\(RecordedKeys.rsa1024SPKI)", "version_invalid"),
        ("k=rsa; v=DKIM1; p=\(RecordedKeys.rsa1024SPKI)", "version_invalid"),
    ])
    func unusableKeys(record: String, id: String) throws {
        let key = try key(record)
        #expect(key.errors.ids.contains(id), "\(record): \(key.errors)")
        #expect(!key.isValid)
    }

    @Test func flagsAndHashes() throws {
        let key = try key("v=DKIM1; h=sha1; t=y:s; p=\(RecordedKeys.rsa2048SPKI)")
        #expect(key.warnings.ids == ["testing", "sha1_only"])
        #expect(key.isValid)
    }

    @Test func selectionAmongTXTRecords() throws {
        #expect(DKIMKeyParser.parse(TXTFixtures.txt("s._domainkey.example.com", "some other text")).status == .absent)
        #expect(DKIMKeyParser.parse(TXTFixtures.nxdomain).status == .absent)
        let two = try key("v=DKIM1; p=\(RecordedKeys.rsa1024SPKI)", "v=DKIM1; p=\(RecordedKeys.rsa2048SPKI)")
        #expect(two.keyBits == 1024)
        #expect(two.warnings.ids == ["multiple_records"])
    }
}
