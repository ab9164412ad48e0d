import ArgumentParser
import MXAuditModel

/// Options every auditing subcommand shares; each can also come from the config file.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Settings file (YAML).", valueName: "FILE"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("DNS resolver to query, IP[:port] (default: /etc/resolv.conf).", valueName: "ADDR"))
    var resolver: String?

    @Option(name: .long, help: ArgumentHelp("DNSSEC trust anchor file (DS or DNSKEY records); default: the IANA root anchors.", valueName: "FILE"))
    var trustAnchor: String?

    @Option(name: .long, help: ArgumentHelp("CA bundle (PEM) for WebPKI checks; default: the system store.", valueName: "FILE"))
    var caFile: String?

    @Option(name: .long, help: ArgumentHelp("SQLite history database (default: ./mxaudit.sqlite).", valueName: "FILE"))
    var db: String?

    @Option(name: .long, help: ArgumentHelp("Directory for reports.", valueName: "DIR"))
    var out: String?

    @Option(name: .long, help: ArgumentHelp("Operations in flight at once (default: 256).", valueName: "N"))
    var concurrency: Int?

    @Option(name: .long, help: ArgumentHelp("Per-operation network timeout in seconds (default: 30).", valueName: "SECONDS"))
    var timeout: Double?

    @Option(name: .long, help: ArgumentHelp("Directory of rule-set files (default: the shipped rulesets/).", valueName: "DIR"))
    var rulesetsDir: String?

    @Option(name: .long, help: ArgumentHelp("DNSSEC: 'validate' (mxaudit's own validation, default) or 'resolver' (trust the resolver's AD bit).", valueName: "MODE"))
    var dnssec: String?

    @Option(name: .long, help: ArgumentHelp("The EHLO name of the SMTP probe (default: this machine's FQDN).", valueName: "NAME"))
    var helo: String?

    func validate() throws {
        if let dnssec, DNSSECModeSetting(rawValue: dnssec) == nil { throw ValidationError("--dnssec must be 'validate' or 'resolver'") }
        if let concurrency, concurrency < 1 { throw ValidationError("--concurrency must be at least 1") }
        if let timeout, !(timeout > 0 && timeout <= 3600) { throw ValidationError("--timeout must be between 0 and 3600 seconds") }
    }
}
