import Foundation

/// Textual IP addresses, checked before they go into a CURLOPT_RESOLVE entry (where a name, a
/// comma or a colon would change its meaning).
enum IPAddressText {
    static func isValid(_ text: String) -> Bool {
        var buffer = in6_addr()
        return inet_pton(AF_INET, text, &buffer) == 1 || inet_pton(AF_INET6, text, &buffer) == 1
    }
}
