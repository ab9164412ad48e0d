import ArgumentParser
import Foundation
import MXAuditModel
import MXAuditRules

struct RulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "List, show, validate and explain rule sets.",
        subcommands: [List.self, Show.self, Validate.self, Explain.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the rule sets mxaudit knows.")

        @OptionGroup var options: CommonOptions

        func run() async throws {
            let settings = try SettingsResolver.resolve(options)
            let directory = ResourceLocator.directory("rulesets", explicit: settings.rulesetsDirectory)
            do {
                let catalogue = try RuleSetCatalogue(directory: directory)
                for header in catalogue.headers {
                    print("\(header.id)\t\(header.version)\t\(header.title)")
                }
            } catch {
                throw MXAuditExit.badInput(error)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one rule set's rules.")
        @Argument var id: String
        func run() async throws { throw MXAuditExit.notYetAvailable("'mxaudit rules show'", issue: 7) }
    }

    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Type-check a rule-set file.")
        @Argument var file: String
        func run() async throws { throw MXAuditExit.notYetAvailable("'mxaudit rules validate'", issue: 7) }
    }

    struct Explain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Explain one rule: what it checks, why, and how to fix it.")
        @Argument var ruleID: String
        func run() async throws { throw MXAuditExit.notYetAvailable("'mxaudit rules explain'", issue: 7) }
    }
}
