/// JSON string literals written by hand, escaped as `JSONEncoder` escapes them with
/// `.withoutEscapingSlashes`, for the hot paths where building an encoder per value costs more
/// than the value (the evidence text, the references column of every stored result).
public enum JSONString {
    /// Appends `string` as a quoted JSON string.
    public static func append(_ string: String, to text: inout String) {
        var bytes: [UInt8] = []
        append(string, to: &bytes)
        text += String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `string` as a quoted JSON string, escaped as JSONEncoder does with
    /// `.withoutEscapingSlashes`, to UTF-8 `bytes` (writing a document's text in bytes took half
    /// the time of appending to a String).
    public static func append(_ string: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        // The escaped bytes are all ASCII, so they never occur inside a multi-byte sequence.
        if !string.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            bytes.append(contentsOf: string.utf8)
        } else {
            for byte in string.utf8 {
                switch byte {
                case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
                case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case UInt8(ascii: "\r"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                case UInt8(ascii: "\t"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
                case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
                case ..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                              hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                default: bytes.append(byte)
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// A JSON array of strings.
    public static func array(_ strings: [String]) -> String {
        var text = "["
        for (index, string) in strings.enumerated() {
            if index > 0 { text += "," }
            append(string, to: &text)
        }
        return text + "]"
    }

    /// The strings of a JSON array of strings that holds no escapes (`["a","b"]`, as `array`
    /// writes plain strings), read without a decoder; nil for anything else, which the caller
    /// hands to `JSONDecoder`. Without a backslash no string can hold a quote, so the quotes
    /// delimit exactly.
    public static func plainArray(_ text: String) -> [String]? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 2, bytes.first == UInt8(ascii: "["), bytes.last == UInt8(ascii: "]"),
              !bytes.contains(UInt8(ascii: "\\")) else { return nil }
        var strings: [String] = []
        var index = 1
        let end = bytes.count - 1
        if index == end { return [] }
        while true {
            guard index < end, bytes[index] == UInt8(ascii: "\"") else { return nil }
            let start = index + 1
            guard let close = bytes[start..<end].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
            // Raw control characters are not JSON; leave them to the decoder's error.
            guard !bytes[start..<close].contains(where: { $0 < 0x20 }) else { return nil }
            strings.append(String(decoding: bytes[start..<close], as: UTF8.self))
            index = close + 1
            if index == end { return strings }
            guard bytes[index] == UInt8(ascii: ",") else { return nil }
            index += 1
        }
    }
}
