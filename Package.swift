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
    ],
    targets: [
        // Pure domain rules: no Vapor, no Fluent, no I/O.
        .target(name: "LayanCore"),
        .target(
            name: "Layan",
            dependencies: [
                "LayanCore",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Leaf", package: "leaf"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .executableTarget(name: "layan", dependencies: ["Layan"]),
        .testTarget(name: "LayanCoreTests", dependencies: ["LayanCore"]),
        .testTarget(
            name: "LayanTests",
            dependencies: [
                "Layan",
                .product(name: "VaporTesting", package: "vapor"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
