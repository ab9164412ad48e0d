import ArgumentParser
import Foundation
import MXAuditInventory
import MXAuditModel
import MXAuditRules

struct InventoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inventory",
        abstract: "Validate, import and export inventories of clients and domains.",
        subcommands: [Validate.self, Import.self, Export.self]
    )

    /// Loads an inventory (YAML or CSV) against the known rule sets, turning problems into exit 2.
    static func load(path: String, options: CommonOptions) throws -> Inventory {
        let settings = try SettingsResolver.resolve(options)
        let catalogue: RuleSetCatalogue
        do {
            catalogue = try RuleSetCatalogue(directory: ResourceLocator.directory("rulesets", explicit: settings.rulesetsDirectory))
            return try InventoryLoader(knownRulesets: catalogue.ids).load(path: path)
        } catch {
            throw MXAuditExit.badInput(error)
        }
    }

    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check an inventory (YAML or CSV) without touching the network.",
            discussion: "Every problem is reported as FILE:LINE:COLUMN: error: MESSAGE; the exit code is 2 when any exists."
        )

        @Argument(help: ArgumentHelp("The inventory file (.yaml, .yml or .csv).", valueName: "FILE"))
        var file: String

        @OptionGroup var options: CommonOptions

        func run() async throws {
            let inventory = try InventoryCommand.load(path: file, options: options)
            let domains = inventory.clients.reduce(0) { $0 + $1.domains.count }
            let waivers = inventory.clients.reduce(0) { $0 + $1.waivers.count }
            print("\(file): ok — \(inventory.clients.count) clients, \(domains) domains, \(waivers) waivers")
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Convert a CSV export (client_id,client_name,domain,rulesets,tags) to the YAML inventory format.",
            discussion: "The YAML goes to standard output (or --output FILE). The CSV is validated first; nothing is written when it has problems."
        )

        @Argument(help: ArgumentHelp("The CSV file.", valueName: "FILE"))
        var file: String

        @Option(name: .long, help: ArgumentHelp("Write the YAML here instead of standard output.", valueName: "FILE"))
        var output: String?

        @OptionGroup var options: CommonOptions

        func run() async throws {
            let inventory = try InventoryCommand.load(path: file, options: options)
            try InventoryCommand.write(InventoryYAMLWriter.write(inventory), to: output)
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write an inventory as CSV (contacts and waivers stay in the YAML)."
        )

        @Argument(help: ArgumentHelp("The inventory file (.yaml, .yml or .csv).", valueName: "FILE"))
        var file: String

        @Option(name: .long, help: ArgumentHelp("Write the CSV here instead of standard output.", valueName: "FILE"))
        var output: String?

        @OptionGroup var options: CommonOptions

        func run() async throws {
            let inventory = try InventoryCommand.load(path: file, options: options)
            try InventoryCommand.write(InventoryCSV.write(inventory), to: output)
        }
    }

    static func write(_ text: String, to path: String?) throws {
        guard let path else {
            StandardOutput.write(Data(text.utf8))
            return
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw MXAuditExit(status: .runFailed, message: "mxaudit: cannot write \(path): \(error.localizedDescription)")
        }
    }
}
