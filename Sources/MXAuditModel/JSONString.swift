/// JSON string literals written by hand, escaped as `JSONEncoder` escapes them with
/// `.withoutEscapingSlashes`, for the hot paths where building an encoder per value costs more
/// than the value (the evidence text, the references column of every stored result).
public enum JSONString {
    /// Appends `string` as a quoted JSON string.
    public static func append(_ string: String, to text: inout String) {
        text += "\""
        var plain = true
        for byte in string.utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
            plain = false
            break
        }
        if plain {
            text += string
        } else {
            for scalar in string.unicodeScalars {
                switch scalar {
                case "\"": text += "\\\""
                case "\\": text += "\\\\"
                case "\n": text += "\\n"
                case "\r": text += "\\r"
                case "\t": text += "\\t"
                case "\u{08}": text += "\\b"
                case "\u{0C}": text += "\\f"
                case _ where scalar.value < 0x20:
                    let hex = String(scalar.value, radix: 16)
                    text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: text.unicodeScalars.append(scalar)
                }
            }
        }
        text += "\""
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
