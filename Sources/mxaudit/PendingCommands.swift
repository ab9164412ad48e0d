import ArgumentParser

// Subcommands whose issues have not landed. Each parses its documented options (so scripts can
// be written against them) and then says it is not available, exiting 2 without inventing results.

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Collect evidence for every domain of an inventory, judge it, store the run and write reports."
    )

    @Option(name: .long, help: ArgumentHelp("The inventory file (.yaml or .csv).", valueName: "FILE"))
    var inventory: String

    @OptionGroup var options: CommonOptions

    func run() async throws {
        _ = try InventoryCommand.load(path: inventory, options: options)
        throw MXAuditExit.notYetAvailable("'mxaudit audit' (evidence collection)", issue: 4)
    }
}

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Render HTML, JUnit XML and JSON reports from a stored run."
    )

    @OptionGroup var options: CommonOptions

    func run() async throws { throw MXAuditExit.notYetAvailable("'mxaudit report'", issue: 9) }
}

struct DiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two stored runs: regressions, fixes, new and absent findings, evidence changes."
    )

    @Option(name: .long, help: "The older run (default: the second-last complete run).")
    var from: String?

    @Option(name: .long, help: "The newer run (default: the last complete run).")
    var to: String?

    @OptionGroup var options: CommonOptions

    func run() async throws { throw MXAuditExit.notYetAvailable("'mxaudit diff'", issue: 8) }
}
