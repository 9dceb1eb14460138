// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "layan",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "layan", targets: ["layan"]),
        .library(name: "LayanCore", targets: ["LayanCore"]),
        .library(name: "Layan", targets: ["Layan"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/leaf.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.0" ..< "5.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/async-kit.git", from: "1.22.0"),
    ],
    targets: [
        // Pure domain rules: no Vapor, no Fluent, no I/O. Crypto for the providers' webhook signatures (pure computation).
        .target(name: "LayanCore", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // The engines: our SQLite driver, prepared PostgreSQL statements, batched inserts, rows read by position,
        // counts kept by triggers, the database set-up. The only target that sees a driver (docs/architecture.md).
        .target(
            name: "LayanStorage",
            dependencies: [
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                // The write queue's batch sizes and depth, for /metrics (through the swift-metrics facade only).
                .product(name: "Metrics", package: "swift-metrics"),
                // The connection pool's errors, to tell an outage (503) from a fault (DatabaseUnavailable).
                .product(name: "AsyncKit", package: "async-kit"),
            ]
        ),
        // The front door: guards connections (a cap per address, timed and bounded request heads) before they reach
        // the HTTP server, which offers no hook for it. NIO only; knows nothing of Vapor (docs/architecture.md).
        .target(
            name: "LayanFrontDoor",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        // Capabilities and the web: engine-neutral, through LayanStorage's seam only.
        .target(
            name: "Layan",
            dependencies: [
                "LayanCore",
                "LayanStorage",
                "LayanFrontDoor",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Leaf", package: "leaf"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                // The Asterisk Manager Interface client (Telephone/AMIFeed): a TCP client of its own.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                // /metrics: the Prometheus exposition format, fed by swift-metrics (Vapor's own request metrics too).
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .executableTarget(name: "layan", dependencies: ["Layan"]),
        .testTarget(name: "LayanCoreTests", dependencies: ["LayanCore"]),
        .testTarget(name: "LayanFrontDoorTests", dependencies: ["LayanFrontDoor"]),
        .testTarget(
            name: "LayanTests",
            dependencies: [
                "Layan",
                "LayanStorage",
                .product(name: "VaporTesting", package: "vapor"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
