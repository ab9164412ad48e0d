import GRDB
import MXAuditModel

extension AuditStore {
    /// The clients as the inventory gave them to one run, in inventory order.
    public func clients(runID: Int64) async throws -> [Client] {
        try await read("reading the inventory of run \(runID)") { db in try Self.clients(runID: runID, db) }
    }

    /// The evidence documents one run stored for the given domains (A-labels), by domain; domains
    /// without a document are left out. Synchronous, for report writers that read one client at a
    /// time while they render: call it off the cooperative pool.
    public func evidenceDocuments(runID: Int64, domains: [String]) throws -> [String: DomainEvidence] {
        do {
            return try pool.read { db in
                var documents: [String: DomainEvidence] = [:]
                for domain in domains {
                    documents[domain] = try Self.evidence(runID: runID, domain: domain, db)
                }
                return documents
            }
        } catch {
            throw StoreError.wrapping(error, path: path, operation: "reading the evidence of run \(runID)")
        }
    }
}
