import Foundation
import MXAuditTestSupport

/// The resolved scenario catalogue (`.testbed/catalogue.json`, written by scripts/testbed up).
struct TestbedCatalogue: Decodable {
    struct Domain: Decodable {
        struct MX: Decodable { let preference: Int; let exchange: String }
        struct MTASTS: Decodable { let host: String; let address: String?; let redirect: String? }
        struct Records: Decodable { let dkim_selectors: [String] }
        let name: String
        /// True for the generated fleet of `scripts/testbed up --scale N`; false for the scenarios.
        let scaled: Bool
        /// The fleet domain's template ("provider-sts", "null-mx" …).
        let kind: String?
        let mx: [MX]
        let mta_sts: MTASTS?
        let records: Records
        let expect: [String: Expectation]

        func string(_ key: String) -> String? {
            if case .string(let value)? = expect[key] { return value }
            return nil
        }

        func strings(_ key: String) -> [String]? {
            if case .strings(let value)? = expect[key] { return value }
            return nil
        }

        /// The MX host names (a null MX names none).
        var exchanges: [String] { mx.map(\.exchange).filter { $0 != "." } }
    }

    /// An `expect` value: the tests here read strings and string lists; others are kept opaque.
    enum Expectation: Decodable {
        case string(String), strings([String]), other

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let value = try? container.decode(String.self) { self = .string(value) }
            else if let value = try? container.decode([String].self) { self = .strings(value) }
            else { self = .other }
        }
    }

    let domains: [Domain]

    /// Every hand-written scenario, and the first fleet domain of each kind (the scaled world
    /// repeats a few templates thousands of times; one of each shows it reads the same).
    var scenariosAndFleetSamples: [Domain] {
        var kinds = Set<String>()
        return domains.filter { !$0.scaled || kinds.insert($0.kind ?? "").inserted }
    }

    static func load(_ environment: TestbedEnvironment) throws -> TestbedCatalogue {
        try JSONDecoder().decode(TestbedCatalogue.self, from: Data(contentsOf: environment.catalogueURL))
    }
}
