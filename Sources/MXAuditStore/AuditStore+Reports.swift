import GRDB
import MXAuditModel

extension AuditStore {
    /// The clients as the inventory gave them to one run, in inventory order.
    public func clients(runID: Int64) async throws -> [Client] {
        try await read("reading the inventory of run \(runID)") { db in
            try String.fetchAll(db, sql: "SELECT document FROM run_client WHERE run_id = ? ORDER BY position", arguments: [runID])
                .map { try JSONColumn.decode(Client.self, from: $0) }
        }
    }

    /// The evidence documents one run stored for the given domains (A-labels), by domain; domains
    /// without a document are left out. Synchronous, for report writers that read one client at a
    /// time while they render: call it off the cooperative pool.
    public func evidenceDocuments(runID: Int64, domains: [String]) throws -> [String: DomainEvidence] {
        do {
            return try pool.read { db in
                var documents: [String: DomainEvidence] = [:]
                for domain in domains {
                    guard let text = try String.fetchOne(db, sql: "SELECT evidence FROM run_domain WHERE run_id = ? AND domain = ?",
                                                         arguments: [runID, domain]) else { continue }
                    documents[domain] = try JSONColumn.decode(DomainEvidence.self, from: text)
                }
                return documents
            }
        } catch {
            throw StoreError.wrapping(error, path: path, operation: "reading the evidence of run \(runID)")
        }
    }
}
