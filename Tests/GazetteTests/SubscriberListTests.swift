import GazetteTestSupport
import XCTest
@testable import Gazette

final class SubscriberListTests: XCTestCase {
    var directory: TemporaryDirectory!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory("subscribers")
        addTeardownBlock { [directory] in directory?.remove() }
    }

    func list(_ text: String, name: String = "main") throws -> SubscriberList {
        try directory.write(text, to: "subscribers/\(name).csv")
        return SubscriberList(name: name, root: directory.url)
    }

    func rows(of list: SubscriberList, chunkSize: Int = CSVReader.defaultChunkSize) throws -> [SubscriberListReader.Row] {
        let reader = try list.open(chunkSize: chunkSize, observer: nil)
        var rows: [SubscriberListReader.Row] = []
        while let row = try reader.next() { rows.append(row) }
        return rows
    }

    func diagnostic(_ body: () throws -> Void) -> Diagnostic? {
        do { try body() } catch let error as DiagnosticError { return error.diagnostics.first } catch { return nil }
        return nil
    }

    func testTheRepositorysExampleList() throws {
        try directory.copy(from: TestPaths.packageRoot.appendingPathComponent("subscribers"))
        let list = SubscriberList(url: directory.url.appendingPathComponent("main.csv"), path: "subscribers/main.csv")
        let subscribers = try rows(of: list).compactMap { row -> Subscriber? in
            if case .subscriber(let subscriber) = row { return subscriber }
            XCTFail("unexpected \(row)")
            return nil
        }
        XCTAssertEqual(subscribers.count, 9)
        XCTAssertEqual(subscribers.first?.fields, ["email": "maya.okafor@example.org", "name": "Maya Okafor", "subscribed_at": "2026-09-12"])
        XCTAssertEqual(subscribers.first?.location, SourceLocation(path: "subscribers/main.csv", line: 2))
        let ops = subscribers.first { $0.email == "ops-team@example.com" }
        XCTAssertEqual(ops?.fields["name"], "Ops Team, Harbour Hosting")
        XCTAssertEqual(subscribers.first { $0.email == "zoe.angstrom@example.net" }?.fields["name"], "Zoë Ångström")
        XCTAssertEqual(subscribers.first { $0.email == "dan@example.com" }?.fields["name"], "")
        XCTAssertEqual(subscribers.last?.location.line, 10)
    }

    func testHeaderIsTrimmedAndCaseInsensitiveWithBOMAndCRLF() throws {
        let text = "\u{FEFF} Email , First Name ,\r\n  ann@example.org ,Ann,\r\n"
        XCTAssertEqual(text.utf8.prefix(3).map { $0 }, [0xEF, 0xBB, 0xBF])
        let reader = try list(text).open()
        XCTAssertEqual(reader.columns, ["email", "First Name", ""])
        guard case .subscriber(let ann)? = try reader.next() else { return XCTFail("no subscriber") }
        XCTAssertEqual(ann.email, "ann@example.org")
        XCTAssertEqual(ann.fields, ["email": "ann@example.org", "First Name": "Ann"], "an unnamed column is no field")
        XCTAssertEqual(ann.key.normalized, "ann@example.org")
        XCTAssertNil(try reader.next())
    }

    func testBadRowsAreReportedWithLinesAndTheRestIsRead() throws {
        var bytes = Array("email,name\nann@example.org,Ann\nbob@example.org\n,Nobody\n\"cy@example.org\",\"C\nY\"\n".utf8)
        bytes += Array("dee@example.org,D".utf8) + [0xFF] + Array("\n\"eve@example.org,Eve\n".utf8)
        try directory.write(Data(bytes), to: "subscribers/main.csv")
        let list = SubscriberList(name: "main", root: directory.url)
        for chunkSize in [1, 3, 7, 65536] {
            let summary = try rows(of: list, chunkSize: chunkSize).map { row -> String in
                switch row {
                case .subscriber(let subscriber): "\(subscriber.location.line ?? 0) \(subscriber.email)"
                case .problem(let problem): "\(problem.location?.line ?? 0) \(problem.code)"
                }
            }
            XCTAssertEqual(summary, ["2 ann@example.org", "3 subscriber-row-columns", "4 subscriber-email-empty",
                                     "5 cy@example.org", "7 subscriber-row-unreadable", "8 subscriber-row-unreadable"])
        }
        guard case .problem(let problem) = try rows(of: list)[4] else { return XCTFail() }
        XCTAssertEqual(problem.description, """
            subscribers/main.csv:7: error: field 2 is not valid UTF-8
                hint: save the file as UTF-8 (spreadsheets: "CSV UTF-8")
            """)
        XCTAssertFalse(problem.description.contains("dee@"), "subscriber data stays out of diagnostics")
    }

    func testHeaderProblemsStopWithADiagnosticThatSaysWhatToDo() throws {
        let missing = diagnostic { _ = try SubscriberList(name: "nope", root: directory.url).open() }
        XCTAssertEqual(missing?.code, "list-missing")
        XCTAssertEqual(missing?.location?.path, "subscribers/nope.csv")
        XCTAssertEqual(diagnostic { _ = try list("\n\n").open() }?.code, "list-header-missing")
        let noEmail = diagnostic { _ = try list("name,joined\nAnn,2026-01-01\n").open() }
        XCTAssertEqual(noEmail?.code, "list-email-column-missing")
        XCTAssertEqual(noEmail?.location, SourceLocation(path: "subscribers/main.csv", line: 1))
        let headerless = diagnostic { _ = try list("ann@example.org,Ann\n").open() }
        XCTAssertTrue(headerless?.hint?.contains("add a header row") == true, headerless?.hint ?? "")
        XCTAssertEqual(diagnostic { _ = try list("email,name,Name,name\n").open() }?.code, "list-column-duplicate")
        XCTAssertEqual(diagnostic { _ = try list("email,EMAIL\n").open() }?.code, "list-column-duplicate")
        XCTAssertEqual(diagnostic { _ = try list("\"email,name\n").open() }?.code, "list-header-unreadable")
    }

    /// A suppression list linked from elsewhere whose target is gone is an error that names the link and its
    /// target, never an empty suppression list (which would mail everyone on it).
    func testADanglingLinkIsNamedAndNeverAnEmptyList() throws {
        try FileManager.default.createDirectory(at: directory.url.appendingPathComponent("subscribers"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: directory.url.appendingPathComponent("subscribers/suppressed.csv").path,
                                                   withDestinationPath: "/nonexistent/shared/suppressed.csv")
        var problem: Diagnostic?
        do { _ = try SuppressionList(root: directory.url) } catch let error as DiagnosticError { problem = error.diagnostics.first }
        XCTAssertEqual(problem?.code, "list-missing")
        XCTAssertEqual(problem?.message, "subscribers/suppressed.csv is a symbolic link to /nonexistent/shared/suppressed.csv, which does not exist")
        XCTAssertEqual(problem?.hint, "restore /nonexistent/shared/suppressed.csv, or replace the link with the list itself")
    }

    /// A folder where a list should be is named as one, not reported as a missing list.
    func testAFolderInPlaceOfAListIsNamed() throws {
        try FileManager.default.createDirectory(at: directory.url.appendingPathComponent("subscribers/suppressed.csv"),
                                                withIntermediateDirectories: true)
        var problem: Diagnostic?
        do { _ = try SuppressionList(root: directory.url) } catch let error as DiagnosticError { problem = error.diagnostics.first }
        XCTAssertEqual(problem?.code, "list-missing")
        XCTAssertEqual(problem?.message, "subscribers/suppressed.csv is a folder, not a list")
    }

    func testListNamesAreTheCSVFilesButTheSuppressionList() throws {
        try directory.write("email\n", to: "subscribers/partners.csv")
        try directory.write("email\n", to: "subscribers/main.csv")
        try directory.write("email,reason,date\n", to: "subscribers/suppressed.csv")
        try directory.write("notes", to: "subscribers/README.md")
        XCTAssertEqual(SubscriberList.names(root: directory.url), ["main", "partners"])
        XCTAssertEqual(SubscriberList(name: "main.csv", root: directory.url).path, "subscribers/main.csv")
    }
}
