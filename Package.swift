// swift-tools-version:6.1
// mxaudit: an auditor of inbound-mail transport security for fleets of domains.
// docs/ARCHITECTURE.md maps these targets; keep both in step.
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "mxaudit",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "mxaudit", targets: ["mxaudit"]),
        .executable(name: "mxaudit-fuzz", targets: ["mxaudit-fuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // C libraries behind small system-library targets; shim headers turn macros and
        // variadic functions into typed, prefixed (mxa_) inline functions.
        .systemLibrary(name: "CMXAuditLDNS", path: "Sources/CMXAuditLDNS", pkgConfig: "ldns",
                       providers: [.apt(["libldns-dev"])]),
        .systemLibrary(name: "CMXAuditCurl", path: "Sources/CMXAuditCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CMXAuditOpenSSL", path: "Sources/CMXAuditOpenSSL", pkgConfig: "openssl",
                       providers: [.apt(["libssl-dev"])]),
        // Linux epoll/eventfd (glibc headers only) for the DNS reactor.
        .systemLibrary(name: "CMXAuditEpoll", path: "Sources/CMXAuditEpoll"),

        // Pure Swift: evidence, inventory and result types. No C, no I/O.
        .target(name: "MXAuditModel", swiftSettings: strictSettings),
        // SHA-2 digests (rule-set and inventory fingerprints, TLSA data) through the system OpenSSL.
        .target(name: "MXAuditDigest", dependencies: ["CMXAuditOpenSSL"], swiftSettings: strictSettings),
        // Dedicated threads for blocking C calls, so they never starve the cooperative pool.
        .target(name: "MXAuditExecutor", dependencies: ["CMXAuditEpoll"], swiftSettings: strictSettings),
        // YAML inputs with file:line:column for every problem (inventory, rule sets, waivers, config).
        .target(name: "MXAuditYAML",
                dependencies: ["MXAuditModel", .product(name: "Yams", package: "Yams")],
                swiftSettings: strictSettings),
        // Inventory files (YAML, CSV) → validated Inventory, with file:line:column errors.
        .target(name: "MXAuditInventory",
                dependencies: ["MXAuditModel", "MXAuditYAML"],
                swiftSettings: strictSettings),
        // DNS over libldns; DNSSEC validation from a trust anchor.
        .target(name: "MXAuditDNS",
                dependencies: ["MXAuditModel", "MXAuditExecutor", "MXAuditDigest", "CMXAuditLDNS"],
                swiftSettings: strictSettings),
        // SMTP STARTTLS probe and TLS/DANE analysis over OpenSSL.
        .target(name: "MXAuditTLS",
                dependencies: ["MXAuditModel", "MXAuditExecutor", "MXAuditDigest", "CMXAuditOpenSSL"],
                swiftSettings: strictSettings),
        // HTTPS fetches (MTA-STS policies) over libcurl; certificates read through MXAuditTLS.
        .target(name: "MXAuditHTTPS",
                dependencies: ["MXAuditModel", "MXAuditExecutor", "MXAuditTLS", "CMXAuditCurl"],
                swiftSettings: strictSettings),
        // Pure parsers of published text: MTA-STS TXT and policy, TLS-RPT, SPF, DMARC, DKIM keys.
        .target(name: "MXAuditRecords", dependencies: ["MXAuditModel"], swiftSettings: strictSettings),
        // Rule sets: the catalogue of shipped and user rule-set files.
        .target(name: "MXAuditRules",
                dependencies: ["MXAuditModel", "MXAuditYAML", "MXAuditDigest"],
                swiftSettings: strictSettings),
        // The audit engine: collects the evidence of every domain with the DNS, TLS and HTTPS collectors.
        .target(name: "MXAuditEngine",
                dependencies: ["MXAuditModel", "MXAuditExecutor", "MXAuditDNS", "MXAuditTLS", "MXAuditHTTPS", "MXAuditRecords"],
                swiftSettings: strictSettings),
        // The SQLite history (GRDB): runs, evidence, results; diffs between runs.
        .target(name: "MXAuditStore",
                dependencies: ["MXAuditModel", .product(name: "GRDB", package: "GRDB.swift")],
                swiftSettings: strictSettings),
        // Reports over evidence and results (terminal text now; HTML, JUnit and JSON with issue #9).
        .target(name: "MXAuditReports",
                dependencies: ["MXAuditModel", .product(name: "Mustache", package: "swift-mustache")],
                swiftSettings: strictSettings),
        // The audit orchestration: plan (inventory, rule sets, waivers) → collect → judge → store → reports.
        .target(name: "MXAuditRunner",
                dependencies: ["MXAuditModel", "MXAuditEngine", "MXAuditRules", "MXAuditStore", "MXAuditReports",
                               "MXAuditInventory", "MXAuditDigest", "MXAuditExecutor"],
                swiftSettings: strictSettings),
        // Fuzzing entry points over the parsers of hostile or user-written text (scripts/fuzz).
        .target(name: "MXAuditFuzzTargets",
                dependencies: ["MXAuditModel", "MXAuditRecords", "MXAuditRules", "MXAuditInventory"],
                swiftSettings: strictSettings),
        .executableTarget(name: "mxaudit-fuzz", dependencies: ["MXAuditFuzzTargets"], swiftSettings: strictSettings),
        // The thin command-line tool.
        .executableTarget(name: "mxaudit",
                          dependencies: [
                              "MXAuditModel", "MXAuditYAML", "MXAuditInventory", "MXAuditRules", "MXAuditEngine",
                              "MXAuditReports", "MXAuditStore", "MXAuditRunner", "MXAuditExecutor", "MXAuditDNS",
                              .product(name: "ArgumentParser", package: "swift-argument-parser"),
                              .product(name: "Yams", package: "Yams"),
                          ],
                          swiftSettings: strictSettings,
                          // jemalloc replaces glibc's malloc in the tool (not in the libraries or
                          // tests): with hundreds of tasks on a thread pool, glibc's arenas spent
                          // ~11 % of an audit's CPU in malloc, free and fast-bin consolidation.
                          linkerSettings: [.linkedLibrary("jemalloc", .when(platforms: [.linux]))]),

        // Shared by the test targets: the testbed's settings and running external tools off the pool.
        .target(name: "MXAuditTestSupport", path: "Tests/MXAuditTestSupport", swiftSettings: strictSettings),
        .testTarget(name: "MXAuditModelTests", dependencies: ["MXAuditModel"],
                    swiftSettings: strictSettings),
        .testTarget(name: "MXAuditExecutorTests", dependencies: ["MXAuditExecutor"],
                    swiftSettings: strictSettings),
        .testTarget(name: "MXAuditInventoryTests",
                    dependencies: ["MXAuditInventory", "MXAuditModel", "MXAuditRules"],
                    resources: [.copy("Fixtures")],
                    swiftSettings: strictSettings),
        .testTarget(name: "MXAuditBindingsTests",
                    dependencies: ["MXAuditDNS", "MXAuditTLS", "MXAuditHTTPS"],
                    swiftSettings: strictSettings),
        .testTarget(name: "MXAuditRulesTests",
                    dependencies: ["MXAuditRules", "MXAuditModel", "MXAuditEngine", "MXAuditReports", "MXAuditInventory",
                                   "MXAuditTestSupport"],
                    exclude: ["Fixtures"], swiftSettings: strictSettings),
        .testTarget(name: "MXAuditStoreTests", dependencies: ["MXAuditStore", "MXAuditModel", "MXAuditRunner", "MXAuditTestSupport", "mxaudit",
                                                          .product(name: "GRDB", package: "GRDB.swift")],
                    swiftSettings: strictSettings),
        .testTarget(name: "MXAuditReportsTests", dependencies: ["MXAuditReports", "MXAuditModel", "MXAuditTestSupport"],
                    swiftSettings: strictSettings),
        .testTarget(name: "MXAuditFuzzTests", dependencies: ["MXAuditFuzzTargets", "MXAuditTestSupport"],
                    resources: [.copy("Corpus")], swiftSettings: strictSettings),
        .testTarget(name: "MXAuditRecordsTests", dependencies: ["MXAuditRecords", "MXAuditModel"],
                    swiftSettings: strictSettings),
        .testTarget(name: "MXAuditDNSTests", dependencies: ["MXAuditDNS", "MXAuditModel", "MXAuditExecutor", "MXAuditTestSupport"],
                    resources: [.copy("Fixtures")], swiftSettings: strictSettings),
        .testTarget(name: "MXAuditTLSTests", dependencies: ["MXAuditTLS", "MXAuditModel", "MXAuditExecutor", "MXAuditTestSupport"],
                    swiftSettings: strictSettings),
        .testTarget(name: "MXAuditHTTPSTests",
                    dependencies: ["MXAuditHTTPS", "MXAuditRecords", "MXAuditModel", "MXAuditExecutor", "MXAuditTestSupport"],
                    swiftSettings: strictSettings),
        .testTarget(name: "MXAuditCLITests", dependencies: ["mxaudit", "MXAuditTestSupport"],
                    swiftSettings: strictSettings),
        .testTarget(name: "TestbedTests", dependencies: ["MXAuditTestSupport"], swiftSettings: strictSettings),
    ]
)
