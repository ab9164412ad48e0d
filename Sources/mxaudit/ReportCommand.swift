import ArgumentParser
import Foundation
import MXAuditModel
import MXAuditStore

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Render HTML, JUnit XML and JSON reports from a stored run (no network).",
        discussion: """
        EXAMPLES:
          mxaudit report --db audits.sqlite --out reports/
          mxaudit report --run 12 --junit run12.xml --format json
        """
    )

    @Option(name: .long, help: ArgumentHelp("The run to report (default: the last complete run).", valueName: "RUN"))
    var run: Int64?

    @OptionGroup var options: CommonOptions
    @OptionGroup var reportOptions: ReportOptions

    func run() async throws {
        let settings = try SettingsResolver.resolve(options)
        let store = try HistoryDatabase.open(options, access: .readOnly)
        let runID: Int64
        if let run {
            runID = run
        } else {
            guard let last = try await HistoryDatabase.perform({ try await store.lastCompleteRuns(1) }).first else {
                throw MXAuditExit(status: .badInput, message: "mxaudit: \(settings.database) holds no complete run yet; run 'mxaudit audit' first")
            }
            runID = last.id
        }
        try await ReportPublisher.publish(runID: runID, store: store, settings: settings, options: reportOptions)
    }
}
