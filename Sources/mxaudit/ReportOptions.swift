import ArgumentParser
import Foundation
import MXAuditReports

/// How a run is reported and gated; shared by `audit` (the run just made) and `report` (a stored run).
struct ReportOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Terminal output: 'text' (a summary, coloured on a TTY) or 'json' (results and evidence).", valueName: "FORMAT"))
    var format: String = "text"

    @Option(name: .long, help: ArgumentHelp("Write JUnit XML for CI systems here (one <testsuite> per client).", valueName: "FILE"))
    var junit: String?

    @Option(name: .long, help: ArgumentHelp("Also write one JUnit file per client into this directory.", valueName: "DIR"))
    var junitDir: String?

    @Option(name: .long, help: ArgumentHelp("Mustache templates to render the HTML with (default: the shipped templates/).", valueName: "DIR"))
    var templates: String?

    @Option(name: .long, help: ArgumentHelp("What fails the run (exit 1): must, should, regressed; repeatable (default: must).", valueName: "LEVEL"))
    var failOn: [String] = []

    @Flag(name: .long, help: "Do not fail the gate on indeterminate results of must rules.")
    var allowIndeterminate = false

    @Flag(name: .long, help: "List passing results too in the text summary.")
    var showAll = false

    func validate() throws {
        guard ["text", "json"].contains(format) else { throw ValidationError("--format must be 'text' or 'json'") }
        for level in failOn where GateLevel(rawValue: level) == nil {
            throw ValidationError("--fail-on takes must, should or regressed, not '\(level)'")
        }
    }

    var gate: ReportGate {
        let levels = failOn.isEmpty ? [GateLevel.must] : failOn.compactMap(GateLevel.init(rawValue:))
        return ReportGate(failOn: Set(levels), allowIndeterminate: allowIndeterminate)
    }
}
