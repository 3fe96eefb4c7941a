// swift-tools-version: 6.1
// Gazette: a newsletter publisher that works like a static site generator.
// Module cut and dependency direction: see DESIGN.md (gazette → GazetteServer → Gazette → {Markup, Mail, SMTP} → C modules).
import PackageDescription

let package = Package(
    name: "Gazette",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "gazette", targets: ["gazette"]),
        .library(name: "Gazette", targets: ["Gazette"]),
        .library(name: "Markup", targets: ["Markup"]),
        .library(name: "Mail", targets: ["Mail"]),
        .library(name: "SMTP", targets: ["SMTP"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        // The HTTP server of `preview` (and later `serve`). No traits: swift-configuration is not needed.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        // Hummingbird's own dependencies, named because GazetteServer sets their types (Logger, TimeAmount).
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
    ],
    targets: [
        // System libraries: module maps and shim headers only.
        .systemLibrary(name: "CCmark", pkgConfig: "libcmark", providers: [.apt(["libcmark-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        // libresolv (glibc): resolv.conf's servers and the DNS message parser, for SMTP/DNS.
        .systemLibrary(name: "CResolv"),

        .target(name: "Markup", dependencies: ["CCmark", "CLibXML2"]),
        .target(name: "Mail", dependencies: ["COpenSSL"]),
        .target(name: "SMTP", dependencies: ["COpenSSL", "CResolv", "Mail"]),
        .target(
            name: "Gazette",
            dependencies: [
                "Markup", "Mail", "SMTP",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // The HTTP side (preview pages, live reload): the only module that imports Hummingbird.
        .target(
            name: "GazetteServer",
            dependencies: [
                "Gazette", "Markup",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "gazette",
            dependencies: ["Gazette", "GazetteServer", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        // `scripts/benchmark` runs it in a release build beside the peers (BENCHMARKS.md).
        .executableTarget(name: "gazette-benchmark", dependencies: ["Gazette", "Markup"], path: "Benchmarks/GazetteBenchmark"),

        .target(name: "GazetteTestSupport", dependencies: ["Gazette"], path: "Tests/GazetteTestSupport",
                exclude: ["smtp_test_server.py", "dns_test_server.py", "chromium_devtools.py"]),
        .testTarget(name: "MarkupTests", dependencies: ["Markup", "GazetteTestSupport"], exclude: ["Golden"]),
        .testTarget(name: "MailTests", dependencies: ["Mail", "GazetteTestSupport"]),
        .testTarget(name: "SMTPTests", dependencies: ["SMTP", "GazetteTestSupport"]),
        .testTarget(name: "GazetteTests", dependencies: ["Gazette", "GazetteTestSupport", "Markup", .product(name: "Yams", package: "Yams")],
                    exclude: ["Golden"]),
        .testTarget(name: "GazetteServerTests", dependencies: ["GazetteServer", "Gazette", "GazetteTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)

// libFuzzer targets (Fuzz/, docs/fuzzing.md), declared only for scripts/fuzz, which sets GAZETTE_FUZZ=1 and
// builds them with `--sanitize fuzzer` in .build-fuzz: the normal build and test never see them.
if Context.environment["GAZETTE_FUZZ"] == "1" {
    package.targets += [
        .executableTarget(name: "gazette-fuzz", dependencies: ["Gazette", "Mail", "SMTP", "Markup"],
                          path: "Fuzz/GazetteFuzz"),
    ]
}
