// Runs the built `gazette` executable as a user would, in a given folder, and returns what it printed.
import Foundation

public enum GazetteBinary {
    public struct Run: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// Runs `gazette arguments…` in `directory` (through `env -C`) with `stdin` as its input, bounded by
    /// `timeout` seconds.
    public static func run(_ arguments: [String], in directory: URL, environment: [String: String] = [:],
                           stdin: Data = Data(), timeout: TimeInterval = 120) throws -> Run {
        var envArguments = ["-C", directory.path, "NO_COLOR=1"]
        envArguments += environment.map { "\($0.key)=\($0.value)" }
        let result = try PythonTools.runProgram(URL(fileURLWithPath: "/usr/bin/env"),
                                                arguments: envArguments + [TestPaths.gazetteBinary.path] + arguments,
                                                stdin: stdin, timeout: timeout)
        return Run(status: result.status, stdout: result.output, stderr: result.stderr)
    }
}
