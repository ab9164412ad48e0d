/// What our own ClientHello offered, read back from the bytes OpenSSL wrote: a server's answer
/// counts only when it picks from this offer, as it would for OpenSSL completing the handshake.
struct ClientHelloOffer: Sendable, Equatable {
    var cipherSuites: Set<UInt16> = []
    /// supported_groups (RFC 8446 §4.2.7; "elliptic_curves" before TLS 1.3).
    var groups: Set<UInt16> = []
    /// The groups a TLS 1.3 key share was sent for.
    var keyShareGroups: Set<UInt16> = []

    /// Parses one ClientHello record as OpenSSL writes it (a single handshake record).
    init(record: [UInt8]) throws(ServerFlightReader.Malformed) {
        var cursor = ByteCursor(record[...])
        guard try cursor.uint8("ClientHello record type") == 22 else {
            throw ServerFlightReader.Malformed(description: "OpenSSL wrote no handshake record")
        }
        _ = try cursor.uint16("ClientHello record version")
        var message = ByteCursor(try cursor.vector(lengthBytes: 2, "ClientHello record"))
        guard try message.uint8("ClientHello type") == 1 else {
            throw ServerFlightReader.Malformed(description: "OpenSSL wrote a handshake message that is not a ClientHello")
        }
        var body = ByteCursor(try message.vector(lengthBytes: 3, "ClientHello"))
        _ = try body.uint16("ClientHello version")
        _ = try body.bytes(32, "ClientHello random")
        _ = try body.vector(lengthBytes: 1, "ClientHello session id")
        var suites = ByteCursor(try body.vector(lengthBytes: 2, "ClientHello cipher suites"))
        while !suites.isEmpty { cipherSuites.insert(try suites.uint16("cipher suite")) }
        _ = try body.vector(lengthBytes: 1, "ClientHello compression methods")
        guard !body.isEmpty else { return }
        var extensions = ByteCursor(try body.vector(lengthBytes: 2, "ClientHello extensions"))
        while !extensions.isEmpty {
            let type = try extensions.uint16("extension type")
            var data = ByteCursor(try extensions.vector(lengthBytes: 2, "extension \(type)"))
            switch type {
            case 10:
                var list = ByteCursor(try data.vector(lengthBytes: 2, "supported_groups"))
                while !list.isEmpty { groups.insert(try list.uint16("group")) }
            case 51:
                var shares = ByteCursor(try data.vector(lengthBytes: 2, "key_share"))
                while !shares.isEmpty {
                    keyShareGroups.insert(try shares.uint16("key share group"))
                    _ = try shares.vector(lengthBytes: 2, "key share")
                }
            default: break
            }
        }
    }

    /// Why the server's choice is not an answer to this offer (OpenSSL would abort), nil when it is.
    func violation(by facts: ServerHelloFacts) -> String? {
        guard cipherSuites.contains(facts.cipherSuite) else {
            return "the server chose the cipher suite 0x\(hex(facts.cipherSuite)), which was not offered"
        }
        guard let group = facts.group else { return nil }
        guard groups.isEmpty || groups.contains(group) else {
            return "the server chose the group 0x\(hex(group)), which was not offered"
        }
        guard facts.version >= 0x0304 else { return nil }
        // RFC 8446 §4.1.4: a retry must ask for a group without a share; a ServerHello must use one.
        if facts.helloRetryRequest == keyShareGroups.contains(group) {
            return facts.helloRetryRequest ? "the server asked for a retry with a group that already had a key share"
                                           : "the server's key share is for a group without a client share"
        }
        return nil
    }

    private func hex(_ value: UInt16) -> String { String(value, radix: 16, uppercase: true) }
}
