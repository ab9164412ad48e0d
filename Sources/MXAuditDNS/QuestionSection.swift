/// Reads the question of a DNS message without parsing the whole message, for the common case:
/// one question whose name has only letters, digits, hyphens and underscores. Anything else
/// (escapes, compression, odd bytes) returns nil and is left to ldns, whose presentation format
/// is what names are compared in.
enum QuestionSection {
    static func plainQuestion(_ wire: [UInt8]) -> (name: String, type: UInt16)? {
        guard wire.count >= 12, wire[4] == 0, wire[5] == 1 else { return nil }
        var offset = 12
        var name: [UInt8] = []
        while true {
            guard offset < wire.count else { return nil }
            let length = Int(wire[offset])
            offset += 1
            if length == 0 { break }
            guard length < 64, offset + length <= wire.count else { return nil }
            if !name.isEmpty { name.append(UInt8(ascii: ".")) }
            for byte in wire[offset..<offset + length] {
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                     UInt8(ascii: "-"), UInt8(ascii: "_"):
                    name.append(byte)
                case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                    name.append(byte + 32)
                default:
                    return nil
                }
            }
            offset += length
        }
        guard offset + 4 <= wire.count else { return nil }
        return (String(decoding: name, as: UTF8.self), UInt16(wire[offset]) << 8 | UInt16(wire[offset + 1]))
    }
}
