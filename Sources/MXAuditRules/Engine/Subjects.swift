import MXAuditModel

/// What one rule is judged over in one domain: a root for its expressions, or an outcome that is
/// already known because the subjects themselves could not be enumerated.
struct Subject {
    enum Content {
        case evaluate(root: Value)
        case decided(Outcome, String)
    }

    var name: String
    var content: Content
}

/// The subjects of each scope (docs/rules.md, "Scopes"): the domain; every MX host (`host`,
/// `evidence`); every SMTP endpoint (`endpoint`, `host`, `evidence`). When the MX RRset or a host's
/// addresses could not be looked up, the missing subjects become one `indeterminate` result each,
/// so a lookup failure never hides a subject.
enum Subjects {
    static func of(_ scope: RuleScope, evidence: DomainEvidence, document: Value) -> [Subject] {
        let domain = evidence.domain.ascii
        if scope == .domain { return [Subject(name: domain, content: .evaluate(root: document))] }
        let mx: MXEvidence
        switch evidence.mx {
        case .present(let value): mx = value
        case .absent(let reason), .skipped(let reason):
            return [Subject(name: domain, content: .decided(.notApplicable, "no MX hosts: \(reason)"))]
        case .failed(let failure):
            return [Subject(name: domain, content: .decided(.indeterminate, "the MX RRset could not be looked up: \(failure)"))]
        }
        guard !mx.hosts.isEmpty else {
            let reason = mx.kind == .nullMX ? "the domain publishes a null MX (RFC 7505): it accepts no mail" : "the domain has no MX hosts"
            return [Subject(name: domain, content: .decided(.notApplicable, reason))]
        }
        let hostDocuments = document["mx"]["value"]["hosts"].list
        var subjects: [Subject] = []
        for (index, host) in mx.hosts.enumerated() {
            let hostDocument = index < hostDocuments.count ? hostDocuments[index] : .null
            if scope == .mxHost {
                subjects.append(Subject(name: host.name, content: .evaluate(root: .object(["host": hostDocument, "evidence": document]))))
            } else {
                subjects += endpoints(of: host, hostDocument: hostDocument, document: document)
            }
        }
        return subjects
    }

    private static func endpoints(of host: MXHostEvidence, hostDocument: Value, document: Value) -> [Subject] {
        let endpointDocuments = hostDocument["endpoints"].list
        var subjects = host.endpoints.enumerated().map { index, endpoint in
            Subject(name: "\(host.name) \(endpoint.address)", content: .evaluate(root: .object([
                "endpoint": index < endpointDocuments.count ? endpointDocuments[index] : .null,
                "host": hostDocument, "evidence": document,
            ])))
        }
        for (family, observation) in [("IPv4", host.ipv4), ("IPv6", host.ipv6)] {
            if let failure = observation.failure {
                subjects.append(Subject(name: "\(host.name) (\(family) addresses)", content: .decided(
                    .indeterminate, "the \(family) addresses of \(host.name) could not be looked up, so their SMTP service is unknown: \(failure)")))
            }
        }
        if subjects.isEmpty {
            subjects.append(Subject(name: host.name, content: .decided(.notApplicable, "\(host.name) has no IPv4 or IPv6 addresses")))
        }
        return subjects
    }
}
