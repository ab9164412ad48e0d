import MXAuditModel

/// One question to the resolver before an audit begins. An audit whose resolver is dead or
/// broken would otherwise store every domain as indeterminate and call that a complete run; the
/// operator should hear at once that the resolver is the problem, and nothing should be stored.
public enum ResolverPreflight {
    /// nil when the resolver answers the root zone's SOA with NOERROR; else why it is unusable.
    public static func check(_ resolver: DNSResolver) async -> Failure? {
        switch await resolver.query(".", DNSType.soa) {
        case .failure(let failure):
            return failure
        case .success(let response) where response.rcode != DNSRcode.noError:
            return Failure(.dnsError, "\(response.server) answered \(DNSRcode.name(response.rcode)) for the root zone's SOA record")
        case .success:
            return nil
        }
    }
}
