import Foundation

/// A DNS server to query: an IPv4 or IPv6 address and a port.
public struct ResolverAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: UInt16
    public var isIPv6: Bool { host.contains(":") }

    public init(host: String, port: UInt16 = 53) {
        self.host = host
        self.port = port
    }

    /// Parses `IP`, `IP:port`, `[IPv6]` or `[IPv6]:port`; nil when it is no IP address.
    public init?(parsing text: String) {
        var host = text.trimmingCharacters(in: .whitespaces)
        var port: UInt16 = 53
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let rest = host[host.index(after: close)...]
            if rest.hasPrefix(":") {
                guard let value = UInt16(rest.dropFirst()) else { return nil }
                port = value
            } else if !rest.isEmpty { return nil }
            host = String(host[host.index(after: host.startIndex)..<close])
        } else if host.filter({ $0 == ":" }).count == 1, let colon = host.firstIndex(of: ":") {
            guard let value = UInt16(host[host.index(after: colon)...]) else { return nil }
            port = value
            host = String(host[..<colon])
        }
        guard Self.isIPAddress(host) else { return nil }
        self.host = host
        self.port = port
    }

    public var description: String { isIPv6 ? "[\(host)]:\(port)" : (port == 53 ? host : "\(host):\(port)") }

    static func isIPAddress(_ text: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }

    /// The `nameserver` lines of a resolv.conf file, in order.
    public static func fromResolvConf(path: String = "/etc/resolv.conf") -> [ResolverAddress] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(whereSeparator: \.isNewline).compactMap { line in
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.count >= 2, words[0] == "nameserver" else { return nil }
            // Drop an IPv6 zone index (fe80::1%eth0): the socket code takes plain addresses.
            return ResolverAddress(parsing: String(words[1].split(separator: "%")[0]))
        }
    }
}
