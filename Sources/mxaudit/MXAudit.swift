import ArgumentParser
import Foundation

/// The `mxaudit` command: a thin layer over the library targets.
@main
struct MXAudit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mxaudit",
        abstract: "Audit inbound-mail transport security (MX, DNSSEC, DANE, STARTTLS, MTA-STS, TLS-RPT, SPF, DMARC, DKIM) for fleets of domains.",
        discussion: """
        EXAMPLES:
          mxaudit inventory validate examples/inventory.yaml
          mxaudit inventory import clients.csv > inventory.yaml
          mxaudit audit --inventory inventory.yaml --db audits.sqlite --out reports/
          mxaudit check example.com --json
          mxaudit diff --db audits.sqlite
          mxaudit rules list

        SETTINGS are read from --config FILE, else $MXAUDIT_CONFIG, else ./mxaudit.yaml when present;
        options on the command line win. See README.md for the file format.

        EXIT CODES:
          0  compliant (or the command succeeded)
          1  non-compliant findings at the gate (--fail-on)
          2  bad input or usage (the message names the file, line and column)
          3  the run failed (e.g. the database could not be written)
        """,
        subcommands: [
            AuditCommand.self, CheckCommand.self, ReportCommand.self, DiffCommand.self,
            HistoryCommand.self, RunsCommand.self, StoreSoakCommand.self,
            RulesCommand.self, InventoryCommand.self,
        ]
    )

    /// Parses, runs and maps every outcome to the documented exit codes (ArgumentParser's own
    /// usage code is 64; mxaudit promises 2 for bad input or usage).
    static func main() async {
        // A peer that closes (or a socket we shut down to cancel a probe) must give EPIPE, not
        // kill the process: OpenSSL writes to sockets with plain write(2).
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as MXAuditExit {
            if !failure.message.isEmpty { FileHandle.standardError.write(Data((failure.message + "\n").utf8)) }
            Foundation.exit(failure.status.rawValue)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                Foundation.exit(0)
            }
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            Foundation.exit(code == .validationFailure ? ExitStatus.badInput.rawValue : code.rawValue)
        }
    }
}
