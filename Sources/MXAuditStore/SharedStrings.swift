import MXAuditModel

/// One copy of each distinct string among results read back from the store. A large run repeats
/// the same rule ids, subjects and even whole messages (every domain on one provider fails the
/// same way) hundreds of thousands of times; reading each row into its own strings made loading a
/// 10,000-domain run's results cost several hundred megabytes.
struct SharedStrings {
    private var seen = Set<String>()

    mutating func callAsFunction(_ text: String) -> String { seen.insert(text).memberAfterInsert }

    mutating func share(_ result: RuleResult) -> RuleResult {
        var shared = result
        shared.domain = self(result.domain)
        shared.clientID = self(result.clientID)
        shared.rulesetID = self(result.rulesetID)
        shared.ruleID = self(result.ruleID)
        shared.subject = self(result.subject)
        shared.message = self(result.message)
        // Version, title, remediation and references come shared already: one copy per rule of the run.
        return shared
    }
}
