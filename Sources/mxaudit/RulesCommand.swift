import ArgumentParser
import Foundation
import MXAuditInventory
import MXAuditModel
import MXAuditReports
import MXAuditRules
import MXAuditYAML

struct RulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "List, show, validate and explain rule sets.",
        discussion: "Rule sets are YAML files (docs/rules.md); mxaudit reads the shipped rulesets/ or --rulesets-dir.",
        subcommands: [List.self, Show.self, Validate.self, Explain.self, Judge.self]
    )

    /// The rule-set directory of these options, and problems turned into exit 2.
    static func loader(_ options: CommonOptions) throws -> RuleSetLoader {
        let settings = try SettingsResolver.resolve(options)
        return RuleSetLoader(directory: ResourceLocator.directory("rulesets", explicit: settings.rulesetsDirectory))
    }

    /// Runs `body` with the loader; its input problems end the command with exit 2.
    static func withLoader<T>(_ options: CommonOptions, _ body: (RuleSetLoader) throws(InputIssues) -> T) throws -> T {
        let loader = try loader(options)
        do { return try body(loader) } catch { throw MXAuditExit.badInput(error) }
    }

    static func loadAll(_ options: CommonOptions) throws -> [ResolvedRuleSet] {
        try withLoader(options) { (loader: RuleSetLoader) throws(InputIssues) in try loader.loadAll() }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the rule sets mxaudit knows: id, version, title and number of rules.",
            discussion: "Every file is loaded and type-checked; a broken one is reported with its file, line and column."
        )

        @OptionGroup var options: CommonOptions

        func run() async throws {
            for ruleset in try RulesCommand.loadAll(options) {
                let extends = ruleset.extends.map { ", extends \($0)" } ?? ""
                print("\(ruleset.id)\t\(ruleset.version)\t\(ruleset.title)\t(\(ruleset.rules.count) rules\(extends))")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one rule set with every rule (after extends and overrides).")

        @Argument(help: ArgumentHelp("A rule-set id (see 'mxaudit rules list') or a rule-set file.", valueName: "ID"))
        var id: String

        @OptionGroup var options: CommonOptions

        func run() async throws {
            let ruleset = try RulesCommand.withLoader(options) { (loader: RuleSetLoader) throws(InputIssues) in try loader.load(idOrPath: id) }
            print(RuleSetText.overview(ruleset), terminator: "")
        }
    }

    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Type-check a rule-set file without touching the network.",
            discussion: "Every problem is reported as FILE:LINE:COLUMN: error: MESSAGE; the exit code is 2 when any exists. 'extends' is resolved from the rule-set directory."
        )

        @Argument(help: ArgumentHelp("The rule-set file (.yaml).", valueName: "FILE"))
        var file: String

        @OptionGroup var options: CommonOptions

        func run() async throws {
            let path = file.contains("/") || file.hasSuffix(".yaml") || file.hasSuffix(".yml") ? file : "./\(file)"
            let ruleset = try RulesCommand.withLoader(options) { (loader: RuleSetLoader) throws(InputIssues) in try loader.load(idOrPath: path) }
            print("\(file): ok — \(ruleset.id) \(ruleset.version), \(ruleset.rules.count) rules, sha256 \(ruleset.reference.digest)")
        }
    }

    struct Explain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Explain one rule: what it checks, why, how to fix it, and which rule sets use it.")

        @Argument(help: ArgumentHelp("A rule id such as BSI-DANE-TLSA.", valueName: "RULE-ID"))
        var ruleID: String

        @OptionGroup var options: CommonOptions

        func run() async throws {
            let rulesets = try RulesCommand.loadAll(options)
            let users = rulesets.filter { $0[ruleID] != nil }
            guard let rule = users.first?[ruleID] else {
                let known = rulesets.flatMap { $0.rules.map(\.id) }
                var message = "mxaudit: no rule set has a rule '\(ruleID)'"
                if let suggestion = closest(to: ruleID, among: known) { message += "; did you mean '\(suggestion)'?" }
                throw MXAuditExit(status: .badInput, message: message + " (see 'mxaudit rules show ID')")
            }
            print(RuleSetText.explanation(rule, usedBy: users.map { ($0, $0[ruleID]!.level) }), terminator: "")
        }
    }
}

extension RulesCommand {
    /// Re-judges stored evidence (the JSON of `mxaudit check --json`) without the network.
    struct Judge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Judge stored evidence (mxaudit check --json) with rule sets, without the network.",
            discussion: """
            Prints the deployment advice and, per rule set, the verdict and every failed, indeterminate or \
            explained result. Exit code 1 when a must rule of a rule set failed or could not be judged.

            EXAMPLE:
              mxaudit check example.com --json > evidence.json
              mxaudit rules judge evidence.json --ruleset bsi-tr-03108 --ruleset nl-comply-or-explain
            """
        )

        @Argument(help: ArgumentHelp("Evidence JSON: one document or a list of them.", valueName: "FILE"))
        var file: String

        @Option(name: .customLong("ruleset"), help: ArgumentHelp("A rule set to apply (repeatable; default: every known rule set).", valueName: "ID"))
        var rulesets: [String] = []

        @Option(name: .long, help: ArgumentHelp("Waivers file (a YAML list of waivers with a client key).", valueName: "FILE"))
        var waivers: String?

        @Option(name: .long, help: ArgumentHelp("An inventory: each domain is judged as its client's (rule sets, waivers).", valueName: "FILE"))
        var inventory: String?

        @Option(name: .long, help: ArgumentHelp("Without an inventory: the client the evidence belongs to, for waivers (default: adhoc).", valueName: "ID"))
        var client = "adhoc"

        @Flag(name: .long, help: "Also list passing and not-applicable results.")
        var all = false

        @Flag(name: .long, help: "Print the judgements as JSON.")
        var json = false

        @OptionGroup var options: CommonOptions

        func run() async throws {
            let known = try RulesCommand.loadAll(options)
            let unknown = rulesets.filter { id in !known.contains { $0.id == id } }
            guard unknown.isEmpty else {
                throw MXAuditExit(status: .badInput, message: "mxaudit: unknown rule set \(unknown.joined(separator: ", ")); see 'mxaudit rules list'")
            }
            let evidence = try Self.readEvidence(file)
            let inventory = try inventory.map { try InventoryCommand.load(path: $0, options: options) }
            var fileWaivers: [Waiver] = []
            if let waivers {
                do { fileWaivers = try WaiverFileLoader.load(path: waivers, inventory: inventory) } catch { throw MXAuditExit.badInput(error) }
            }
            let engine = RuleEngine(rulesets: known)
            var judgements: [DomainJudgement] = []
            var met = true
            for domainEvidence in evidence {
                var owner = try clientOf(domainEvidence.domain, inventory: inventory, rulesets: known.map(\.id))
                if !rulesets.isEmpty { owner.rulesets = rulesets }
                let judgement = engine.judge(domainEvidence, client: owner, waivers: fileWaivers, today: CalendarDay(Date()))
                met = met && owner.rulesets.allSatisfy { judgement.meets($0) }
                judgements.append(judgement)
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                StandardOutput.write(try encoder.encode(judgements) + Data("\n".utf8))
            } else {
                let options = ResultsTextRenderer.Options(colour: ResultsTextRenderer.wantsColour(), showAll: all)
                print(ResultsTextRenderer.render(judgements, options: options), terminator: "")
                let allWaivers = (inventory?.clients.flatMap(\.waivers) ?? []) + fileWaivers
                for unused in WaiverAudit.unused(allWaivers, judgements: judgements) {
                    print("unused waiver \(unused.waiver.rule)\(unused.waiver.location.map { " at \($0)" } ?? ""): \(unused.note)")
                }
            }
            if !met { throw MXAuditExit(status: .nonCompliant, message: "") }
        }

        /// The inventory client of a domain, or an ad-hoc client with every rule set.
        private func clientOf(_ domain: DomainName, inventory: Inventory?, rulesets: [String]) throws -> Client {
            guard let inventory else { return Client(id: client, name: client, rulesets: rulesets, domains: [InventoryDomain(name: domain)]) }
            guard let owner = inventory.domains.first(where: { $0.domain.name == domain })?.client else {
                throw MXAuditExit(status: .badInput, message: "mxaudit: \(file) has evidence for \(domain.ascii), which the inventory does not list")
            }
            return owner
        }

        static func readEvidence(_ path: String) throws -> [DomainEvidence] {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw MXAuditExit(status: .badInput, message: "mxaudit: cannot read \(path)")
            }
            let decoder = DomainEvidence.makeDecoder()
            if let list = try? decoder.decode([DomainEvidence].self, from: data) { return list }
            do { return [try decoder.decode(DomainEvidence.self, from: data)] } catch {
                throw MXAuditExit(status: .badInput, message: "mxaudit: \(path) is not evidence JSON (mxaudit check --json): \(error)")
            }
        }
    }
}

/// The plain-text forms of `rules show` and `rules explain`.
enum RuleSetText {
    static func overview(_ ruleset: ResolvedRuleSet) -> String {
        var lines = ["\(ruleset.id) \(ruleset.version) — \(ruleset.title)", "file:    \(ruleset.path)",
                     "sha256:  \(ruleset.reference.digest)"]
        if let extends = ruleset.extends { lines.append("extends: \(extends)") }
        if !ruleset.description.isEmpty { lines += ["", ruleset.description.trimmingCharacters(in: .whitespacesAndNewlines)] }
        lines.append("")
        for rule in ruleset.rules {
            lines.append("\(rule.id)  [\(rule.level.rawValue), \(rule.scope.rawValue)]  \(rule.title)")
            if let appliesIf = rule.appliesIf { lines.append("    applies if  \(appliesIf.source)") }
            lines.append("    asserts     \(rule.assertion.source)")
            if !rule.references.isEmpty { lines.append("    references  \(rule.references.joined(separator: "; "))") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func explanation(_ rule: Rule, usedBy: [(ResolvedRuleSet, RuleLevel)]) -> String {
        var lines = ["\(rule.id) — \(rule.title)", ""]
        lines.append("used by:          " + usedBy.map { "\($0.0.id) \($0.0.version) (\($0.1.rawValue))" }.joined(separator: ", "))
        lines.append("judged per:       \(scopeText(rule.scope))")
        if let appliesIf = rule.appliesIf { lines.append("applies if:       \(appliesIf.source)") }
        if let indeterminateIf = rule.indeterminateIf { lines.append("indeterminate if: \(indeterminateIf.source)") }
        lines.append("passes when:      \(rule.assertion.source)")
        lines.append("on failure says:  \(rule.message.source)")
        if let remediation = rule.remediation { lines.append("how to fix:       \(remediation)") }
        if !rule.references.isEmpty { lines.append("references:       \(rule.references.joined(separator: "; "))") }
        lines.append("defined at:       \(rule.location) (rule set \(rule.definedIn))")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func scopeText(_ scope: RuleScope) -> String {
        switch scope {
        case .domain: return "domain (once per domain)"
        case .mxHost: return "mx_host (once per MX host)"
        case .mxAddress: return "mx_address (once per SMTP address of every MX host)"
        }
    }
}
