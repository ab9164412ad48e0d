import Foundation
import MXAuditModel
import MXAuditReports
import MXAuditRunner
import MXAuditStore

/// Writes the reports of one stored run (HTML to --out, JUnit, the terminal summary or JSON) and
/// decides the exit code with the gate.
enum ReportPublisher {
    static func publish(runID: Int64, store: AuditStore, settings: AuditSettings, options: ReportOptions,
                        extraWaivers: [Waiver] = []) async throws {
        let assembled: ReportAssembler.Assembled
        let needsEvidence = settings.outputDirectory != nil || options.junit != nil || options.junitDir != nil || options.format == "json"
        do {
            assembled = try await ReportAssembler(store: store).assemble(runID: runID, extraWaivers: extraWaivers,
                                                                         includeEvidence: needsEvidence)
        } catch {
            throw HistoryDatabase.exit(for: error)
        }
        let input = assembled.input
        do {
            if let out = settings.outputDirectory {
                let templates = URL(fileURLWithPath: ResourceLocator.directory("templates", explicit: options.templates))
                let files = try HTMLReportWriter.write(input, templates: templates, to: URL(fileURLWithPath: out))
                FileHandle.standardError.write(Data("mxaudit: wrote \(files.count) HTML reports to \(out)\n".utf8))
            }
            if let junit = options.junit {
                try JUnitReportWriter.write(input, to: URL(fileURLWithPath: junit))
            }
            if let directory = options.junitDir {
                _ = try JUnitReportWriter.writePerClient(input, directory: URL(fileURLWithPath: directory))
            }
        } catch let error as ReportError {
            // Broken user templates are bad input; a report that cannot be written is a failed run.
            if case .writeFailed = error { throw MXAuditExit(status: .runFailed, message: "mxaudit: \(error)") }
            throw MXAuditExit(status: .badInput, message: "mxaudit: \(error)")
        }
        if options.format == "json" {
            FileHandle.standardOutput.write(try JSONReportWriter.data(input) + Data("\n".utf8))
        } else {
            let colour = ResultsTextRenderer.wantsColour()
            print(ResultsTextRenderer.render(input.judgements, options: .init(colour: colour, showAll: options.showAll)), terminator: "")
        }
        let regressions = assembled.diff.map { RegressionGate.decide($0).reasons.count } ?? 0
        let decision = options.gate.decide(input, regressions: regressions)
        for reason in decision.reasons { FileHandle.standardError.write(Data("mxaudit: gate: \(reason)\n".utf8)) }
        if decision.exitCode != 0 { throw MXAuditExit(status: .nonCompliant, message: "") }
    }
}
