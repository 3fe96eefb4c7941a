// Where tests find things: the package root, the shared corpora beside the checkout, the built binary.
import Foundation
import XCTest

public enum TestPaths {
    /// The folder holding Package.swift.
    public static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared/corpora`: real data from outside the project, beside the checkout (also in CI's clone);
    /// `GAZETTE_CORPORA=DIR` for a clone elsewhere.
    public static let corpora = ProcessInfo.processInfo.environment["GAZETTE_CORPORA"].map { URL(fileURLWithPath: $0) }
        ?? packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpora")

    /// The corpus file or folder at `url`, or the test ends: skipped on a developer's machine, failed under
    /// CI=true, where a missing corpus means a broken set-up and not a reason to test less.
    public static func requireCorpus(_ url: URL) throws {
        guard !FileManager.default.fileExists(atPath: url.path) else { return }
        let message = "no corpus at \(url.path) (set GAZETTE_CORPORA to the shared corpora folder)"
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            XCTFail(message)
            throw CorpusMissing(path: url.path)
        }
        throw XCTSkip(message)
    }

    struct CorpusMissing: Error { let path: String }

    /// Test fixtures: valid and invalid newsletter projects.
    public static let fixtures = packageRoot.appendingPathComponent("Tests/Fixtures")

    /// The `gazette` executable built beside the test bundle.
    public static var gazetteBinary: URL {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("gazette")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return packageRoot.appendingPathComponent(".build/debug/gazette")
    }
}

/// A folder under the system's temporary directory, removed by `remove()` (call it in a teardown block).
public final class TemporaryDirectory: @unchecked Sendable {
    public let url: URL

    public init(_ label: String = "gazette") throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Writes `text` at `path` below the folder, creating folders on the way.
    @discardableResult
    public func write(_ text: String, to path: String) throws -> URL {
        try write(Data(text.utf8), to: path)
    }

    @discardableResult
    public func write(_ data: Data, to path: String) throws -> URL {
        let target = url.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: target)
        return target
    }

    /// Copies a folder's contents (a fixture project, the example newsletter) into this one.
    public func copy(from source: URL, skipping: Set<String> = [".build", ".git", ".venv", "public", "logs", "outbox"]) throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path) where !skipping.contains(name) && !name.hasPrefix(".build") {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: url.appendingPathComponent(name))
        }
    }

    public func read(_ path: String) throws -> String {
        try String(contentsOf: url.appendingPathComponent(path), encoding: .utf8)
    }

    public func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}
