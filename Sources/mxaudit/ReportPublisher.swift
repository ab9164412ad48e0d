import Foundation
import MXAuditExecutor
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
        let (out, junit, junitDir) = (settings.outputDirectory, options.junit, options.junitDir)
        let templates = URL(fileURLWithPath: ResourceLocator.directory("templates", explicit: options.templates))
        do {
            // Rendering a fleet is long CPU work that reads evidence from the store as it goes:
            // it runs on a thread of its own, not on the cooperative pool.
            try await BlockingExecutor.shared.run {
                if let out {
                    let files = try HTMLReportWriter.write(input, templates: templates, to: URL(fileURLWithPath: out))
                    FileHandle.standardError.write(Data("mxaudit: wrote \(files.count) HTML reports to \(out)\n".utf8))
                }
                if let junit {
                    try JUnitReportWriter.write(input, to: URL(fileURLWithPath: junit))
                }
                if let junitDir {
                    _ = try JUnitReportWriter.writePerClient(input, directory: URL(fileURLWithPath: junitDir))
                }
            }
        } catch let error as ReportError {
            // Broken user templates are bad input; a report that cannot be written is a failed run.
            if case .writeFailed = error { throw MXAuditExit(status: .runFailed, message: "mxaudit: \(error)") }
            throw MXAuditExit(status: .badInput, message: "mxaudit: \(error)")
        } catch {
            throw HistoryDatabase.exit(for: error)
        }
        if options.format == "json" {
            let document: Data
            do { document = try await BlockingExecutor.shared.run { try JSONReportWriter.data(input) } } catch {
                throw HistoryDatabase.exit(for: error)
            }
            StandardOutput.write(document + Data("\n".utf8))
        } else {
            let colour = ResultsTextRenderer.wantsColour()
            await ResultsTextRenderer.renderConcurrently(input.judgements, options: .init(colour: colour, showAll: options.showAll)) {
                print($0, terminator: "")
            }
        }
        let regressions = assembled.diff.map { RegressionGate.decide($0).reasons.count } ?? 0
        let decision = options.gate.decide(input, regressions: regressions)
        for reason in decision.reasons { FileHandle.standardError.write(Data("mxaudit: gate: \(reason)\n".utf8)) }
        if decision.exitCode != 0 { throw MXAuditExit(status: .nonCompliant, message: "") }
    }
}
