// Runs real tools from tests: the project's Python venv (dkimpy, the email package, aiosmtpd…) and
// command-line programs such as openssl, each bounded by a timeout. A missing tool skips locally, fails in CI.
import Foundation
import XCTest

/// Finds the venv's Python and runs snippets and programs for tests.
public enum PythonTools {
    /// What a finished process gave back.
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: Data
        public let stderr: String
        /// stdout as UTF-8 text.
        public var output: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// A tool did not answer in time, could not start, or is missing under `CI=true`.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The package root (the folder holding Package.swift), found from this file's path.
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `<package root>/.venv/bin/python` when it exists, else `python3` from PATH.
    public static var interpreter: URL {
        let venv = packageRoot.appendingPathComponent(".venv/bin/python")
        if FileManager.default.isExecutableFile(atPath: venv.path) { return venv }
        return findInPath("python3") ?? URL(fileURLWithPath: "/usr/bin/python3")
    }

    private static let installHint = "python3 -m venv .venv && .venv/bin/pip install -r scripts/python-requirements.txt"
    private static let cache = ModuleCache()

    /// Makes sure the Python modules can be imported: otherwise throws `XCTSkip` with the reason, or a
    /// failure when the environment variable `CI` is `true` (in CI a missing tool must not pass silently).
    public static func require(_ modules: [String]) throws {
        var missing: [String] = []
        for module in modules {
            if let known = cache.value(module) {
                if !known { missing.append(module) }
                continue
            }
            let available = (try? run("import \(module)", timeout: 30).status == 0) ?? false
            cache.set(module, available)
            if !available { missing.append(module) }
        }
        guard !missing.isEmpty else { return }
        let reason = "Python module(s) \(missing.joined(separator: ", ")) not importable by \(interpreter.path); "
            + "install with: \(installHint)"
        if ProcessInfo.processInfo.environment["CI"] == "true" { throw Failure(description: reason) }
        throw XCTSkip(reason)
    }

    /// Runs `script` with the venv's Python (`python -c script args…`), feeding `stdin`.
    public static func run(
        _ script: String, arguments: [String] = [], stdin: Data = Data(), timeout: TimeInterval = 60
    ) throws -> Result {
        try runProgram(interpreter, arguments: ["-c", script] + arguments, stdin: stdin, timeout: timeout)
    }

    /// Runs `script` and returns its stdout, throwing with its stderr when it exits non-zero.
    public static func output(
        _ script: String, arguments: [String] = [], stdin: Data = Data(), timeout: TimeInterval = 60
    ) throws -> Data {
        let result = try run(script, arguments: arguments, stdin: stdin, timeout: timeout)
        guard result.status == 0 else {
            throw Failure(description: "python exited with \(result.status): \(result.stderr)")
        }
        return result.stdout
    }

    /// Runs a program from PATH (`openssl`…); a missing program skips locally and fails under `CI=true`.
    public static func runTool(
        _ name: String, arguments: [String], stdin: Data = Data(), timeout: TimeInterval = 60
    ) throws -> Result {
        guard let url = findInPath(name) else {
            let reason = "\(name) is not installed (not found in PATH)"
            if ProcessInfo.processInfo.environment["CI"] == "true" { throw Failure(description: reason) }
            throw XCTSkip(reason)
        }
        return try runProgram(url, arguments: arguments, stdin: stdin, timeout: timeout)
    }

    /// Runs `executable`, writing `stdin` and collecting both outputs; killed after `timeout` seconds.
    public static func runProgram(
        _ executable: URL, arguments: [String], stdin: Data = Data(), timeout: TimeInterval = 60
    ) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw Failure(description: "cannot start \(executable.path): \(error)")
        }
        let collected = Collected()
        let group = DispatchGroup()
        let outputHandle = output.fileHandleForReading, errorHandle = errors.fileHandleForReading
        let inputHandle = input.fileHandleForWriting
        DispatchQueue.global().async(group: group) { collected.setStdout(outputHandle.readDataToEndOfFile()) }
        DispatchQueue.global().async(group: group) { collected.setStderr(errorHandle.readDataToEndOfFile()) }
        DispatchQueue.global().async {
            // The child may exit without reading: a broken pipe here is not our failure.
            try? inputHandle.write(contentsOf: stdin)
            try? inputHandle.close()
        }
        if group.wait(timeout: .now() + timeout) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw Failure(description: "\(executable.lastPathComponent) did not finish within \(Int(timeout)) s")
        }
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: collected.stdout,
            stderr: String(decoding: collected.stderr, as: UTF8.self))
    }

    static func findInPath(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    /// Outputs gathered on other threads.
    private final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private var out = Data(), err = Data()
        var stdout: Data { lock.withLock { out } }
        var stderr: Data { lock.withLock { err } }
        func setStdout(_ data: Data) { lock.withLock { out = data } }
        func setStderr(_ data: Data) { lock.withLock { err = data } }
    }

    /// Which modules were found importable, so each is probed once per test run.
    private final class ModuleCache: @unchecked Sendable {
        private let lock = NSLock()
        private var known: [String: Bool] = [:]
        func value(_ module: String) -> Bool? { lock.withLock { known[module] } }
        func set(_ module: String, _ available: Bool) { lock.withLock { known[module] = available } }
    }
}
