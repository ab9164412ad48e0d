import MXAuditModel
import Synchronization

/// The document trees of SMTP endpoints already built. Every domain on a shared MX host carries
/// the same endpoint evidence (the prober probes an address under a name once per run), and
/// building its tree again for each of them was a third of building the domains' documents.
/// Bounded like the DNS caches: shared providers stay, one-off endpoints age out.
final class EndpointDocuments: Sendable {
    static let shared = EndpointDocuments(capacity: 512)

    private struct Key: Hashable {
        var address: String
        var serverName: String
    }

    /// Per address and name, the few distinct evidence values seen (DANE differs by TLSA set).
    private let trees: Mutex<GenerationalCache<Key, [(endpoint: SMTPEndpointEvidence, tree: Value)]>>
    private static let variantsPerKey = 4

    init(capacity: Int) {
        trees = Mutex(GenerationalCache(capacity: capacity))
    }

    /// The tree of `endpoint`: one built before for an equal endpoint, or `build()`'s.
    func tree(of endpoint: SMTPEndpointEvidence, build: () throws -> Value) rethrows -> Value {
        let key = Key(address: endpoint.address, serverName: endpoint.serverName)
        // Equal endpoints share their strings, so comparing them stops at the first field pointers.
        if let known = trees.withLock({ $0[key]?.first { $0.endpoint == endpoint }?.tree }) { return known }
        let tree = try build()
        trees.withLock { cache in
            var variants = cache[key] ?? []
            if variants.count < Self.variantsPerKey, !variants.contains(where: { $0.endpoint == endpoint }) {
                variants.append((endpoint, tree))
                cache[key] = variants
            }
        }
        return tree
    }
}
