// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Vigie",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "vigie", targets: ["vigie"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // The web application (vigie serve): HTTP server, bcrypt, and the NIO thread pool the
        // blocking store and bcrypt calls run on. Without the traits: no swift-configuration.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.100.0"),
        // The departmental hub (vigie hub): PostgreSQL's wire protocol. Linked by VigieHub only.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // libcsv from Debian's libcsv-dev.
        .systemLibrary(name: "CLibCSV", providers: [.apt(["libcsv-dev"])]),

        // Domain types: territory, partners and feeds, nomenclature, periods, counts, errors.
        .target(name: "VigieCore"),

        // Loads and validates Config/ into Core types.
        .target(name: "VigieConfig", dependencies: ["VigieCore", "Yams"]),

        // Readers (CSV over libcsv, XLSX), French value parsing, feed adapters. No SQLite here.
        .target(name: "VigieIngest", dependencies: [
            "VigieCore", "CLibCSV",
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),

        // SQLite store: migrations, submission ledger, writes, aggregate queries.
        .target(name: "VigieStore", dependencies: [
            "VigieCore", .product(name: "GRDB", package: "GRDB.swift"),
            // The SQLite C API GRDB links: the load binds its inserts directly (see BoundInsert).
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
        ]),

        // Bulletins: models built from the store, statistics, SVG charts and maps, rendering
        // through the Mustache templates of Config/templates/.
        .target(name: "VigieReports", dependencies: [
            "VigieCore", "VigieConfig", "VigieStore",
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),

        // Delivery: MIME messages written by hand (RFC 5322, 2045, 2047), sendmail and outbox transports.
        .target(name: "VigieDelivery", dependencies: [
            "VigieCore", .product(name: "Crypto", package: "swift-crypto"),
        ]),

        // Writers of partner-style files (CSV in several encodings, XLSX): sample data, tests, benchmarks.
        .target(name: "VigieFixtures", dependencies: [
            "VigieCore",
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ]),

        // The use cases the command line calls: ingest a file for a feed, the ledger's status,
        // the demo. The one place that joins Ingest and Store, which do not know each other.
        .target(name: "VigiePipeline", dependencies: ["VigieCore", "VigieConfig", "VigieIngest", "VigieStore", "VigieReports", "VigieDelivery",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
        ]),

        // The web application (vigie serve): HTTP over the pipeline's use cases — sessions, CSRF,
        // security headers, pages rendered from Config/templates/web/. No SQL here.
        .target(name: "VigieWeb", dependencies: ["VigieCore", "VigiePipeline", "VigieReports",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),

        // The departmental hub on PostgreSQL: connection, the hub's schema and migrations, roles and
        // row-level security, publishing, the departmental queries and use cases. The only target
        // that imports PostgresNIO: an observatory without a hub runs the same pipeline as before.
        .target(name: "VigieHub", dependencies: ["VigieCore", "VigieConfig", "VigiePipeline", "VigieReports",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // The command line: parses arguments and calls the pipeline.
        .executableTarget(name: "vigie", dependencies: [
            "VigieCore", "VigieConfig", "VigiePipeline", "VigieReports", "VigieDelivery", "VigieWeb", "VigieHub",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // Seeded generator of SampleData/ (run by `make sample-data`).
        // Large seeded partner files for `make bench`.
        .executableTarget(name: "generate-bench-data", dependencies: [
            "VigieCore", "VigieConfig", "VigieFixtures",
        ]),
        // Generated observatories published into a hub through HubPublisher, for Benchmarks/hub.
        .executableTarget(name: "generate-hub-bench", dependencies: ["VigieCore", "VigieHub"]),
        .executableTarget(name: "generate-sample-data", dependencies: [
            "VigieCore", "VigieConfig", "VigieIngest", "VigieFixtures",
        ]),

        // Fuzzing (`make fuzz`): the harness, and one libFuzzer entry point per reader. Built with
        // -DFUZZING and -sanitize=fuzzer they are fuzzers; in a plain build they replay files given as arguments.
        .target(name: "VigieFuzz", dependencies: ["VigieCore", "VigieIngest", "VigieFixtures"]),
        .executableTarget(name: "fuzz-csv", dependencies: ["VigieFuzz"]),
        .executableTarget(name: "fuzz-xlsx", dependencies: ["VigieFuzz"]),

        .testTarget(name: "VigieCoreTests", dependencies: ["VigieCore"]),
        .testTarget(name: "VigieIngestTests", dependencies: ["VigieCore", "VigieConfig", "VigieIngest", "VigieFixtures", "VigieFuzz"],
                    exclude: ["FuzzCorpus"]),
        .testTarget(name: "VigieStoreTests", dependencies: [
            "VigieCore", "VigieConfig", "VigieIngest", "VigieStore", "VigiePipeline", "VigieReports", "VigieFixtures",
            .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "VigieReportsTests", dependencies: [
            "VigieCore", "VigieConfig", "VigieStore", "VigieReports", "VigiePipeline", "VigieFixtures",
            .product(name: "Mustache", package: "swift-mustache"), .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "VigieWebTests", dependencies: [
            "VigieCore", "VigiePipeline", "VigieWeb",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        // The hub on a real PostgreSQL server started for the tests (initdb, pg_ctl).
        .testTarget(name: "VigieHubTests", dependencies: [
            "VigieCore", "VigieConfig", "VigieReports", "VigiePipeline", "VigieHub", .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
        ]),
        .testTarget(name: "VigieDeliveryTests", dependencies: ["VigieCore", "VigieDelivery"]),
        .testTarget(name: "VigieCLITests", dependencies: ["VigieCore", "VigieFixtures"], exclude: ["Hostile", "Traps"]),
    ],
    swiftLanguageModes: [.v6]
)
