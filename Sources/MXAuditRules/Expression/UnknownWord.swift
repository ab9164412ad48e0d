import MXAuditYAML

/// "unknown field 'polcy' in …; did you mean 'policy'? Fields: …": what was not found, the
/// nearest known word when one is close, and the words that would have been accepted.
func unknownWordMessage(_ lead: String, _ word: String, among known: [String], listedAs label: String) -> String {
    let hint = closest(to: word, among: known).map { "; did you mean '\($0)'?" } ?? "."
    return "\(lead)\(hint) \(label): \(known.isEmpty ? "none" : known.joined(separator: ", "))"
}
