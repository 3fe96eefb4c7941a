// Golden-file assertions: compare output with a reviewed file under Golden/; GAZETTE_RECORD=1 rewrites the
// file and fails, so every new baseline is looked at before it is committed (after argument-parser).
import Foundation
import XCTest

/// Reads a file under a Golden folder (an input of a golden case), failing the test when it is missing.
public func goldenInput(_ path: String, root: URL, file: StaticString = #filePath, line: UInt = #line) throws -> String {
    let url = root.appendingPathComponent(path)
    do {
        return try String(contentsOf: url, encoding: .utf8)
    } catch {
        XCTFail("cannot read golden input \(url.path): \(error)", file: file, line: line)
        throw error
    }
}

/// Asserts that `actual` equals the file at `path` (relative to `root`, a test target's Golden folder).
/// With `GAZETTE_RECORD=1` in the environment, writes `actual` there instead and fails, naming the file.
public func assertGoldenFile(
    _ actual: String, path: String, root: URL, file: StaticString = #filePath, line: UInt = #line
) {
    let url = root.appendingPathComponent(path)
    if ProcessInfo.processInfo.environment["GAZETTE_RECORD"] == "1" {
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: url)
            XCTFail("recorded \(url.path): review it, then run again without GAZETTE_RECORD", file: file, line: line)
        } catch {
            XCTFail("cannot record \(url.path): \(error)", file: file, line: line)
        }
        return
    }
    guard let data = FileManager.default.contents(atPath: url.path) else {
        XCTFail("no golden file \(url.path): run with GAZETTE_RECORD=1 to record it", file: file, line: line)
        return
    }
    let expected = String(decoding: data, as: UTF8.self)
    guard actual != expected else { return }
    XCTFail("output differs from \(path):\n\(firstDifference(expected: expected, actual: actual))\n"
        + "(GAZETTE_RECORD=1 rewrites the golden file)", file: file, line: line)
}

/// The first line where two texts differ, with its neighbours, for a readable failure.
private func firstDifference(expected: String, actual: String) -> String {
    let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
    let count = max(expectedLines.count, actualLines.count)
    for index in 0..<count {
        let wanted = index < expectedLines.count ? String(expectedLines[index]) : "<end of file>"
        let got = index < actualLines.count ? String(actualLines[index]) : "<end of file>"
        if wanted != got {
            let context = actualLines[max(0, index - 2)..<min(actualLines.count, index)].map { "   \($0)" }
            return (context + ["-  \(wanted.debugDescription)", "+  \(got.debugDescription)"])
                .joined(separator: "\n") + "\n   (line \(index + 1))"
        }
    }
    return "(no visible difference: line endings or a final newline?)"
}
