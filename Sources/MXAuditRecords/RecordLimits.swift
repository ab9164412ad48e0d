/// The bounds every parser applies, so that its work stays small whatever it is given.
public enum RecordLimits {
    /// The most text of one TXT record a parser reads: a DNS message holds no more.
    public static let txtBytes = 65_535
    /// The most of an MTA-STS policy body the parser reads (the customary 64 KiB fetch cap).
    public static let policyBytes = 65_536

    /// `text` cut to at most `bytes` UTF-8 bytes (a cut character becomes U+FFFD).
    static func prefix(_ text: String, bytes: Int) -> (text: String, cut: Bool) {
        guard text.utf8.count > bytes else { return (text, false) }
        return (String(decoding: Array(text.utf8.prefix(bytes)), as: UTF8.self), true)
    }
}
