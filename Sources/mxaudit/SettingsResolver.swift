import Foundation
import MXAuditModel
import MXAuditYAML

/// Merges the config file and the command line (the command line wins) into `AuditSettings`.
enum SettingsResolver {
    static let configKeys = ["resolver", "trust_anchor", "ca_file", "db", "out", "concurrency", "timeout", "rulesets_dir", "dnssec", "helo", "keep_runs"]

    static func resolve(_ options: CommonOptions) throws -> AuditSettings {
        var settings = AuditSettings()
        if let path = configPath(options) {
            do { try apply(configFile: path, to: &settings) } catch { throw MXAuditExit.badInput(error) }
        }
        if let value = options.resolver { settings.resolver = value }
        if let value = options.trustAnchor { settings.trustAnchor = value }
        if let value = options.caFile { settings.caFile = value }
        if let value = options.db { settings.database = value }
        if let value = options.out { settings.outputDirectory = value }
        if let value = options.concurrency { settings.concurrency = value }
        if let value = options.timeout { settings.timeoutSeconds = value }
        if let value = options.rulesetsDir { settings.rulesetsDirectory = value }
        if let value = options.dnssec.flatMap(DNSSECModeSetting.init(rawValue:)) { settings.dnssecMode = value }
        if let value = options.helo { settings.heloName = value }
        return settings
    }

    /// --config, else $MXAUDIT_CONFIG, else ./mxaudit.yaml when it exists.
    private static func configPath(_ options: CommonOptions) -> String? {
        if let path = options.config { return path }
        if let path = ProcessInfo.processInfo.environment["MXAUDIT_CONFIG"], !path.isEmpty { return path }
        return FileManager.default.fileExists(atPath: "mxaudit.yaml") ? "mxaudit.yaml" : nil
    }

    private static func apply(configFile path: String, to settings: inout AuditSettings) throws(InputIssues) {
        let (document, root) = try YAMLDocument.load(path: path)
        guard let root, let mapping = root.mapping(allowed: configKeys) else {
            try document.throwIfIssues()
            return
        }
        if let value = mapping["resolver"]?.nonEmptyString("an address such as 127.0.0.1 or [::1]:53") { settings.resolver = value }
        if let value = mapping["trust_anchor"]?.nonEmptyString("a file path") { settings.trustAnchor = value }
        if let value = mapping["ca_file"]?.nonEmptyString("a file path") { settings.caFile = value }
        if let value = mapping["db"]?.nonEmptyString("a file path") { settings.database = value }
        if let value = mapping["out"]?.nonEmptyString("a directory path") { settings.outputDirectory = value }
        if let node = mapping["concurrency"], let value = node.int() {
            if value < 1 { node.report("'concurrency' must be at least 1") } else { settings.concurrency = value }
        }
        if let node = mapping["timeout"], let text = node.string("a number of seconds") {
            if let value = Double(text), value > 0, value <= 3600 { settings.timeoutSeconds = value } else {
                node.report("'timeout' must be a number of seconds between 0 and 3600, not '\(text)'")
            }
        }
        if let value = mapping["rulesets_dir"]?.nonEmptyString("a directory path") { settings.rulesetsDirectory = value }
        if let node = mapping["dnssec"], let text = node.string("'validate' or 'resolver'") {
            if let mode = DNSSECModeSetting(rawValue: text) { settings.dnssecMode = mode } else {
                node.report("'dnssec' must be 'validate' or 'resolver', not '\(text)'")
            }
        }
        if let value = mapping["helo"]?.nonEmptyString("a host name") { settings.heloName = value }
        if let node = mapping["keep_runs"], let value = node.int() {
            if value < 1 { node.report("'keep_runs' must be at least 1") } else { settings.keepRuns = value }
        }
        try document.throwIfIssues()
    }
}
