import MXAuditModel

/// One finished domain on its way into the store: its evidence, its judgement and, when the caller
/// has it already (the rules' document), the evidence's JSON text, which must decode to `evidence`.
public struct RecordedDomain: Sendable {
    public var evidence: DomainEvidence
    public var judgement: DomainJudgement
    public var evidenceJSON: String?

    public init(evidence: DomainEvidence, judgement: DomainJudgement, evidenceJSON: String? = nil) {
        self.evidence = evidence
        self.judgement = judgement
        self.evidenceJSON = evidenceJSON
    }
}
