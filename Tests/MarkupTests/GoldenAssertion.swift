// Golden files of the Markup tests live in Golden/ beside this file; the assertion itself is shared
// (GazetteTestSupport/Golden.swift: GAZETTE_RECORD=1 rewrites a file and fails, so it gets reviewed).
import Foundation
import GazetteTestSupport

/// The `Golden` folder beside this file.
let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

/// Reads an input of a golden case under Golden/.
func goldenInput(_ path: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
    try GazetteTestSupport.goldenInput(path, root: goldenDirectory, file: file, line: line)
}

/// Asserts that `actual` equals Golden/`path` (or `root`/`path`).
func assertGolden(
    _ actual: String, path: String, root: URL = goldenDirectory, file: StaticString = #filePath, line: UInt = #line
) {
    assertGoldenFile(actual, path: path, root: root, file: file, line: line)
}
