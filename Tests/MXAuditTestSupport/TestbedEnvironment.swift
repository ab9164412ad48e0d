import Foundation

/// The running loopback testbed as integration tests see it (docs/testbed-contract.md): the
/// settings from `.testbed/env` and the scenario catalogue. Loading fails with a clear message
/// when the testbed is not up, so integration tests fail loudly and never skip.
public struct TestbedEnvironment: Sendable {
    public let directory: String
    public let resolver: String
    public let trustAnchor: String
    public let caFile: String
    public let catalogueURL: URL

    public struct NotUp: Error, CustomStringConvertible {
        public var description: String
    }

    /// The checkout, found by walking up from a test source file to Package.swift.
    public static func repositoryRoot(from filePath: String = #filePath) -> URL {
        var directory = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        while directory.path != "/", !FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
            directory.deleteLastPathComponent()
        }
        return directory
    }

    /// `$MXAUDIT_TESTBED_DIR`, else `<checkout>/.testbed`.
    public static func load(filePath: String = #filePath) throws -> TestbedEnvironment {
        let directory = ProcessInfo.processInfo.environment["MXAUDIT_TESTBED_DIR"]
            ?? repositoryRoot(from: filePath).appendingPathComponent(".testbed").path
        let envFile = directory + "/env"
        guard let text = try? String(contentsOfFile: envFile, encoding: .utf8) else {
            throw NotUp(description: "the testbed is not up: \(envFile) is missing (run scripts/testbed up)")
        }
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { values[String(parts[0])] = String(parts[1]) }
        }
        func value(_ key: String) throws -> String {
            guard let value = values[key], !value.isEmpty else { throw NotUp(description: "\(key) is missing from \(envFile)") }
            return value
        }
        return TestbedEnvironment(directory: directory, resolver: try value("MXAUDIT_RESOLVER"),
                                  trustAnchor: try value("MXAUDIT_TRUST_ANCHOR"), caFile: try value("MXAUDIT_CA_FILE"),
                                  catalogueURL: URL(fileURLWithPath: try value("MXAUDIT_TESTBED_CATALOGUE")))
    }

    /// The catalogue as JSON objects (testbed/scenarios.yaml resolved; docs/testbed.md).
    public func catalogueJSON() throws -> [String: Any] {
        let data = try Data(contentsOf: catalogueURL)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw NotUp(description: "\(catalogueURL.path) is not a JSON object")
        }
        return object
    }

    /// The mxaudit options that point at this testbed.
    public var mxauditOptions: [String] {
        ["--resolver", resolver, "--trust-anchor", trustAnchor, "--ca-file", caFile]
    }
}
