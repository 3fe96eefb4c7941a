// The binary as users run it: `gazette` on fixture projects, asserting stdout, stderr and exit status.
import GazetteTestSupport
import XCTest

final class CommandLineTests: XCTestCase {
    var directory: TemporaryDirectory!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory("cli")
        addTeardownBlock { [directory] in directory?.remove() }
    }

    func gazette(_ arguments: String..., in folder: URL? = nil) throws -> GazetteBinary.Run {
        try GazetteBinary.run(arguments, in: folder ?? directory.url)
    }

    /// A copy of the minimal fixture project with `overrides` written over it.
    func project(_ overrides: [String: String] = [:]) throws -> URL {
        try directory.copy(from: TestPaths.fixtures.appendingPathComponent("projects/minimal"))
        for (path, text) in overrides { try directory.write(text, to: path) }
        return directory.url
    }

    func assertNoCrash(_ run: GazetteBinary.Run, file: StaticString = #filePath, line: UInt = #line) {
        for marker in ["Fatal error", "Stack dump", "Backtrace", "Segmentation", "Illegal instruction"] {
            XCTAssertFalse(run.stderr.contains(marker), "crashed: \(run.stderr)", file: file, line: line)
        }
        XCTAssertFalse([132, 133, 134, 139].contains(run.status), "killed by a signal: \(run.status)", file: file, line: line)
    }

    func testInitBuildCheckNewOnAFreshFolder() throws {
        let initRun = try gazette("init", "news")
        XCTAssertEqual(initRun.status, 0, initRun.stderr)
        let root = directory.url.appendingPathComponent("news")
        XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent("templates/email.html").path))

        let again = try gazette("init", "news")
        XCTAssertEqual(again.status, 1, "init refuses to overwrite")
        XCTAssertTrue(again.stderr.contains("already exists"), again.stderr)

        let build = try gazette("build", in: root)
        XCTAssertEqual(build.status, 0, build.stderr)
        XCTAssertTrue(build.stdout.contains("Built 1 issue"), build.stdout)
        let check = try gazette("check", in: root.appendingPathComponent("content"))  // found by walking up
        XCTAssertEqual(check.status, 0, check.stderr)

        let new = try gazette("new", "Spring is here!", in: root)
        XCTAssertEqual(new.status, 0, new.stderr)
        XCTAssertEqual(new.stdout, "content/issues/002-spring-is-here.md\n")
        let draftBuild = try gazette("build", in: root)
        XCTAssertTrue(draftBuild.stdout.contains("Built 1 issue"), "drafts are skipped: \(draftBuild.stdout)")
    }

    func testCheckJSONOnTheMinimalFixture() throws {
        let root = try project()
        let run = try gazette("check", "--format", "json", in: root)
        XCTAssertEqual(run.status, 0, run.stderr + run.stdout)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(report["ok"] as? Bool, true)
        XCTAssertEqual(report["errors"] as? Int, 0)
        let issues = try XCTUnwrap(report["issues"] as? [[String: Any]])
        XCTAssertEqual(issues.first?["path"] as? String, "content/issues/001-hello.md")
    }

    func testUsageErrorsExitWith2() throws {
        XCTAssertEqual(try gazette("build", "--no-such-flag").status, 2)
        XCTAssertEqual(try gazette("frobnicate").status, 2)
        XCTAssertEqual(try gazette("--help").status, 0)
        XCTAssertEqual(try gazette("check", "--help").status, 0)
    }

    func testNoProjectSaysHowToMakeOne() throws {
        let run = try gazette("build")
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("no gazette.yml"), run.stderr)
        XCTAssertTrue(run.stderr.contains("gazette init"), run.stderr)
    }

    /// Each kind of bad input: exit 1, one line naming the file (and line), no crash.
    func testBadInputGetsAnErrorNamingFileAndLine() throws {
        let issue = "content/issues/001-hello.md"
        let cases: [(name: String, overrides: [String: String], expected: String)] = [
            ("malformed front matter", [issue: "---\ntitle: \"Hello\ndate: 2026-01-01\n---\nBody\n"], "content/issues/001-hello.md:"),
            ("bad date", [issue: "---\ntitle: Hello\ndate: soon\n---\nBody\n"], "content/issues/001-hello.md:3:"),
            ("unclosed section", ["templates/index.html": "<ul>\n{{#issues}}\n<li>{{title}}</li>\n</ul>\n"], "templates/index.html:"),
            ("missing partial", ["templates/page.html": "<html>\n{{> partials/nowhere}}\n</html>\n"], "templates/page.html:2:"),
            ("empty file", [issue: ""], "content/issues/001-hello.md: error: the file is empty"),
            ("broken yaml config", ["gazette.yml": "name: [unclosed\n"], "gazette.yml:"),
            ("link outside content", [issue: "---\ntitle: Hello\ndate: 2026-01-01\n---\n\nThe [report](../missing.pdf).\n"], "content/issues/001-hello.md:6: error: the link points to ../missing.pdf, which is outside content/"),
            ("pipe table", [issue: "---\ntitle: Hello\ndate: 2026-01-01\n---\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"], "content/issues/001-hello.md:6: error: this looks like a GFM pipe table"),
        ]
        for testCase in cases {
            let sub = try TemporaryDirectory("bad")
            defer { sub.remove() }
            try sub.copy(from: TestPaths.fixtures.appendingPathComponent("projects/minimal"))
            for (path, text) in testCase.overrides { try sub.write(text, to: path) }
            let run = try gazette("check", in: sub.url)
            assertNoCrash(run)
            XCTAssertEqual(run.status, 1, "\(testCase.name): \(run.stderr)")
            XCTAssertTrue(run.stderr.contains(testCase.expected), "\(testCase.name): expected \(testCase.expected) in:\n\(run.stderr)")
        }
    }

    /// A front matter mistake does not hide the body's findings: every one is printed, once, in one run.
    func testCheckShowsEveryFindingOfAnIssueWithFrontMatterErrors() throws {
        try directory.copy(from: TestPaths.fixtures.appendingPathComponent("projects/invalid-front-matter"))
        let run = try gazette("check", "--format", "json")
        assertNoCrash(run)
        XCTAssertEqual(run.status, 1, run.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let diagnostics = try XCTUnwrap(report["diagnostics"] as? [[String: Any]])
        let codes = diagnostics.compactMap { $0["code"] as? String }
        XCTAssertEqual(Set(codes), ["setting-missing", "front-matter-date", "setting-type",
                                    "subject-caps", "preheader-missing", "text-short"], "\(codes)")
        XCTAssertEqual(codes.count, 6, "nothing reported twice: \(codes)")

        let text = try gazette("check")
        XCTAssertEqual(text.status, 1)
        for expected in ["content/issues/001-shouting.md:2:", "content/issues/001-shouting.md:4:", "the text part has",
                         "Checked 1 issue: 3 errors, 3 warnings"] {
            XCTAssertTrue((text.stderr + text.stdout).contains(expected), "expected \(expected) in:\n\(text.stderr)\(text.stdout)")
        }
    }

    func testBinaryInvalidUTF8AndHugeFilesAreRefused() throws {
        let root = try project()
        let issue = "content/issues/001-hello.md"
        let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52])
        let cases: [(Data, String)] = [
            (png, "binary data"),
            (Data("---\ntitle: caf".utf8) + Data([0xE9]) + Data("\ndate: 2026-01-01\n---\n".utf8), "content/issues/001-hello.md:2: error: the file is not valid UTF-8"),
        ]
        for (data, expected) in cases {
            try directory.write(data, to: issue)
            let run = try gazette("check", in: root)
            assertNoCrash(run)
            XCTAssertEqual(run.status, 1)
            XCTAssertTrue(run.stderr.contains(expected), "expected \(expected) in:\n\(run.stderr)")
        }
        let huge = root.appendingPathComponent(issue)
        try Data().write(to: huge)
        let handle = try FileHandle(forWritingTo: huge)
        try handle.truncate(atOffset: 50 * 1024 * 1024)
        try handle.close()
        let run = try gazette("build", in: root)
        assertNoCrash(run)
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("the limit is 5 MB"), run.stderr)
    }

    func testBrokenCSSIsAWarningNotACrash() throws {
        let root = try project(["templates/email.css": "body { color: red\n.x { color: blue; }\n@media (max-width: 600px) { .y { color: ",
                                "templates/email.html": try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("templates/email.html"), encoding: .utf8)])
        let run = try gazette("check", in: root)
        assertNoCrash(run)
        XCTAssertTrue(run.stderr.contains("templates/email.css"), run.stderr)
        XCTAssertTrue(run.stderr.contains("warning"), run.stderr)
    }

    func testStrictFailsOnWarnings() throws {
        let root = try project([
            "content/issues/001-hello.md": "---\ntitle: Short\ndate: 2026-01-01\n---\n\nA very short issue.\n",
        ])
        XCTAssertEqual(try gazette("check", in: root).status, 0, "warnings alone pass")
        let strict = try gazette("check", "--strict", in: root)
        XCTAssertEqual(strict.status, 1)
        XCTAssertTrue(strict.stderr.contains("preheader"), strict.stderr)
    }
}
