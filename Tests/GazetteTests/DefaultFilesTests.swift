// The defaults built into the binary (for `gazette init`) must be the example newsletter's files, byte for byte:
// after changing templates/, gazette.yml, the first issue or subscribers/, run scripts/embed-defaults.
import Foundation
import GazetteTestSupport
import XCTest
@testable import Gazette

final class DefaultFilesTests: XCTestCase {
    func testEmbeddedDefaultsMatchTheExampleNewsletter() throws {
        let root = TestPaths.packageRoot
        let hint = "run scripts/embed-defaults and commit Sources/Gazette/Project/DefaultFiles.swift"
        let templates = root.appendingPathComponent("templates")
        let onDisk = try FileManager.default.subpathsOfDirectory(atPath: templates.path).filter { path in
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: templates.appendingPathComponent(path).path, isDirectory: &isDirectory)
            return exists && !isDirectory.boolValue
        }
        XCTAssertEqual(Set(DefaultFiles.templates.keys), Set(onDisk), hint)
        for (path, text) in DefaultFiles.templates {
            XCTAssertEqual(text, try String(contentsOf: templates.appendingPathComponent(path), encoding: .utf8), "templates/\(path): \(hint)")
        }
        for (path, text) in DefaultFiles.project {
            XCTAssertEqual(text, try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8), "\(path): \(hint)")
        }
        for (path, base64) in DefaultFiles.binaries {
            XCTAssertEqual(Data(base64Encoded: base64), try Data(contentsOf: root.appendingPathComponent(path)), "\(path): \(hint)")
        }
    }
}
