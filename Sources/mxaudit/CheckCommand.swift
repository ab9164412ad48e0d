import ArgumentParser
import Foundation
import MXAuditEngine
import MXAuditModel
import MXAuditReports

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Collect and print the evidence for domains given on the command line (no inventory).",
        discussion: """
        Prints MX, DNSSEC, TLSA, the STARTTLS probe of every MX address, MTA-STS, TLS-RPT, SPF,
        DMARC and DKIM for each domain. A lookup that fails is shown as ERROR with its reason; it
        is never shown as an absence. --json prints the evidence documents (docs/evidence.md).

        EXAMPLE:
          mxaudit check example.com --resolver 127.60.0.53 --trust-anchor .testbed/trust-anchor.key --ca-file .testbed/ca.pem
        """
    )

    @Argument(help: ArgumentHelp("Domains to check (Unicode or A-labels).", valueName: "DOMAIN"))
    var domains: [String]

    @Flag(name: .long, help: "Print the evidence as JSON.")
    var json = false

    @OptionGroup var options: CommonOptions

    func run() async throws {
        var names: [DomainName] = []
        var problems: [String] = []
        for text in domains {
            do { names.append(try DomainName(text)) } catch { problems.append("mxaudit: '\(text)' is not a valid domain name: \(error)") }
        }
        guard problems.isEmpty else { throw MXAuditExit(status: .badInput, message: problems.joined(separator: "\n")) }
        let settings = try SettingsResolver.resolve(options)
        let environment: AuditEnvironment
        do { environment = try AuditEnvironment(settings: settings) } catch {
            throw MXAuditExit(status: .badInput, message: "mxaudit: \(error)")
        }
        let collector = DomainCollector(environment: environment)
        let evidence = await withTaskGroup(of: (Int, DomainEvidence).self) { group in
            for (index, name) in names.enumerated() {
                group.addTask { (index, await collector.collect(InventoryDomain(name: name))) }
            }
            var results: [(Int, DomainEvidence)] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
        if json {
            let encoder = DomainEvidence.makeEncoder()
            encoder.outputFormatting.insert(.prettyPrinted)
            let data = try encoder.encode(evidence)
            StandardOutput.write(data + Data("\n".utf8))
        } else {
            print(evidence.map(EvidenceTextRenderer.render).joined(separator: "\n"), terminator: "")
        }
    }
}
