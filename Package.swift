// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Synco",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "synco", targets: ["synco"]),
        .library(name: "SyncoModel", targets: ["SyncoModel"]),
        .library(name: "SyncoSparse", targets: ["SyncoSparse"]),
        .library(name: "SyncoPlan", targets: ["SyncoPlan"]),
        .library(name: "SyncoData", targets: ["SyncoData"]),
        .library(name: "SyncoDemocracy", targets: ["SyncoDemocracy"]),
        .library(name: "SyncoFeedback", targets: ["SyncoFeedback"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        .target(name: "SyncoModel"),
        .target(name: "SyncoSparse"),
        .target(name: "SyncoPlan", dependencies: ["SyncoModel", "SyncoSparse"]),
        // The generator calibrates limits and capacities with a Leontief solve, so Data uses Plan.
        .target(name: "SyncoData", dependencies: ["SyncoModel", "SyncoSparse", "SyncoPlan"]),
        .target(name: "SyncoDemocracy", dependencies: ["SyncoModel"]),
        .target(name: "SyncoFeedback", dependencies: ["SyncoModel"]),
        // Persistence: SQLite through GRDB (embedded default), PostgreSQL through postgres-nio.
        .target(
            name: "SyncoStore",
            dependencies: [
                "SyncoModel", "SyncoData", "SyncoDemocracy",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]),
        .target(
            name: "SyncoServer",
            dependencies: [
                "SyncoModel", "SyncoData", "SyncoPlan", "SyncoDemocracy", "SyncoStore",
                .product(name: "Hummingbird", package: "hummingbird"),
            ]),
        .executableTarget(
            name: "synco",
            dependencies: [
                "SyncoModel", "SyncoSparse", "SyncoPlan", "SyncoData", "SyncoDemocracy", "SyncoFeedback", "SyncoStore", "SyncoServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(name: "SyncoModelTests", dependencies: ["SyncoModel"]),
        .testTarget(name: "SyncoSparseTests", dependencies: ["SyncoSparse"]),
        .testTarget(name: "SyncoPlanTests", dependencies: ["SyncoPlan", "SyncoData"]),
        .testTarget(name: "SyncoDataTests", dependencies: ["SyncoData", "SyncoPlan"]),
        .testTarget(name: "SyncoDemocracyTests", dependencies: ["SyncoDemocracy", "SyncoModel"]),
        .testTarget(name: "SyncoFeedbackTests", dependencies: ["SyncoFeedback"]),
        .testTarget(name: "SyncoStoreTests", dependencies: ["SyncoStore", "SyncoDemocracy", "SyncoModel"]),
        .testTarget(
            name: "SyncoServerTests",
            dependencies: [
                "SyncoServer", "SyncoStore", "SyncoData", "SyncoPlan",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
