import GazetteTestSupport
import XCTest
@testable import Gazette

final class TextFileTests: XCTestCase {
    var directory: TemporaryDirectory!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory("textfile")
        addTeardownBlock { [directory] in directory?.remove() }
    }

    func code(of data: Data, name: String = "x.md") -> (String?, Int?) {
        do {
            let url = try directory.write(data, to: name)
            _ = try TextFile.read(url, path: name)
            return (nil, nil)
        } catch let error as DiagnosticError {
            return (error.diagnostics.first?.code, error.diagnostics.first?.location?.line)
        } catch {
            return ("\(error)", nil)
        }
    }

    func testRefusesWhatIsNotText() throws {
        XCTAssertEqual(code(of: Data()).0, "file-empty")
        XCTAssertEqual(code(of: Data(" \n\n".utf8)).0, "file-empty")
        let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D])
        XCTAssertEqual(code(of: png).0, "file-binary")
        let latin1 = Data("line one\nline two\ncaf".utf8) + Data([0xE9, 0x0A])
        XCTAssertEqual(code(of: latin1).0, "file-encoding")
        XCTAssertEqual(code(of: latin1).1, 3)
        XCTAssertEqual(code(of: Data([0xED, 0xA0, 0x80])).0, "file-encoding", "a UTF-16 surrogate is not UTF-8")
        XCTAssertEqual(code(of: Data([0xF0, 0x9F, 0x98])).0, "file-encoding", "a truncated sequence")
        XCTAssertNil(code(of: Data("Zoë ✓ 🚀\n".utf8)).0)
    }

    func testRefusesA50MegabyteFileWithoutReadingIt() throws {
        let url = directory.url.appendingPathComponent("huge.md")
        XCTAssertTrue(FileManager.default.createFile(atPath: url.path, contents: nil))
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: 50 * 1024 * 1024)
        try handle.close()
        XCTAssertThrowsError(try TextFile.read(url, path: "huge.md")) { error in
            XCTAssertEqual((error as? DiagnosticError)?.diagnostics.first?.code, "file-too-large")
        }
    }

    func testMissingFile() {
        XCTAssertThrowsError(try TextFile.read(directory.url.appendingPathComponent("nope.md"), path: "nope.md")) { error in
            XCTAssertEqual((error as? DiagnosticError)?.diagnostics.first?.code, "file-missing")
        }
    }

    func testByteOrderMarkIsDropped() throws {
        let url = try directory.write(Data([0xEF, 0xBB, 0xBF]) + Data("---\n".utf8), to: "bom.md")
        XCTAssertEqual(try TextFile.read(url, path: "bom.md").text, "---\n")
    }
}
