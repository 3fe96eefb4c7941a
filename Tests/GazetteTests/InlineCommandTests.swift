// `gazette inline` as users run it: stdin to stdout, a file with -o, linked and --css stylesheets, each flag's
// effect, and bad input (a missing file, invalid UTF-8, broken CSS, a stylesheet on the network).
import Foundation
import GazetteTestSupport
import XCTest

final class InlineCommandTests: XCTestCase {
    var directory: TemporaryDirectory!

    static let page = """
    <!DOCTYPE html>
    <html>
    <head>
    <link rel="stylesheet" href="css/layout.css">
    <style>
    p { color: #1f2933; }
    a:hover { color: #063f7a; }
    @media (max-width: 600px) { p { font-size: 15px !important; } }
    </style>
    </head>
    <body><table class="box"><tr><td class="cell">Hi {{name}}</td></tr></table><p>Text <a href="#">link</a></p></body>
    </html>

    """
    static let layout = "table.box { width: 600px; background-color: #eef1f5; }\n.cell { text-align: center; }\n"

    override func setUpWithError() throws {
        directory = try TemporaryDirectory("inline")
        addTeardownBlock { [directory] in directory?.remove() }
        try directory.write(Self.page, to: "mail/page.html")
        try directory.write(Self.layout, to: "mail/css/layout.css")
    }

    func gazette(_ arguments: String..., stdin: String = "") throws -> GazetteBinary.Run {
        try GazetteBinary.run(arguments, in: directory.url, stdin: Data(stdin.utf8))
    }

    func testAFileWithLinkedStylesheetToOutputFile() throws {
        let run = try gazette("inline", "mail/page.html", "-o", "out.html")
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout, "", "the HTML went to the file")
        XCTAssertEqual(run.stderr, "")
        let html = try directory.read("out.html")
        XCTAssertTrue(html.contains(##"<table class="box" style="width: 600px; background-color: #eef1f5;" width="600" bgcolor="#eef1f5">"##), html)
        XCTAssertTrue(html.contains(#"<td class="cell" style="text-align: center;" align="center">Hi {{name}}</td>"#), "template code kept: \(html)")
        XCTAssertTrue(html.contains(#"<p style="color: #1f2933;">"#), html)
        XCTAssertFalse(html.contains("<link"), "the linked stylesheet was read and its link removed")
        XCTAssertTrue(html.contains("a:hover"), "what cannot be inlined stays in <style>")
        XCTAssertFalse(html.contains("@media"), "media queries are dropped without --keep-media-queries")
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"), html)
    }

    func testStandardInputToStandardOutputWithExtraCSS() throws {
        try directory.write("p { font-weight: bold; }\n", to: "brand.css")
        let run = try gazette("inline", "--css", "brand.css", "--css", "mail/css/layout.css",
                              stdin: #"<html><body><p>Hi</p><table class="box"><tr><td>x</td></tr></table></body></html>"#)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains(#"<p style="font-weight: bold;">Hi</p>"#), run.stdout)
        XCTAssertTrue(run.stdout.contains(##"style="width: 600px; background-color: #eef1f5;""##), run.stdout)

        let dash = try gazette("inline", "-", stdin: "<style>p { margin: 0; }</style><p style=\"color: red\">x</p>")
        XCTAssertEqual(dash.status, 0, dash.stderr)
        XCTAssertTrue(dash.stdout.contains(#"<p style="margin: 0; color: red;">x</p>"#), dash.stdout)
    }

    func testFlagsKeepMediaQueriesAndDropOutlookAttributes() throws {
        let run = try gazette("inline", "mail/page.html", "--keep-media-queries", "--no-outlook-attributes")
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("@media (max-width: 600px) { p { font-size: 15px !important; } }"), run.stdout)
        XCTAssertTrue(run.stdout.contains(##"<table class="box" style="width: 600px; background-color: #eef1f5;">"##), run.stdout)
        for attribute in ["width=\"600\"", "bgcolor=", "align="] {
            XCTAssertFalse(run.stdout.contains(attribute), "\(attribute) in \(run.stdout)")
        }
    }

    func testCSSProblemsAreWarningsWithFileAndLine() throws {
        try directory.write("p { color: red; }\n.x { color: ; }\n}\n", to: "broken.css")
        try directory.write(Self.page.replacingOccurrences(of: "a:hover { color: #063f7a; }", with: "a { color: ; }")
            .replacingOccurrences(of: "<link rel=\"stylesheet\" href=\"css/layout.css\">",
                                  with: "<link rel=\"stylesheet\" href=\"css/layout.css\">\n<link rel=\"stylesheet\" href=\"https://cdn.example.org/a.css\">\n<link rel=\"stylesheet\" href=\"css/gone.css\">"),
            to: "mail/page.html")
        try directory.write(Self.layout + ".cell { text-align\n", to: "mail/css/layout.css")
        let run = try gazette("inline", "mail/page.html", "--css", "broken.css")
        XCTAssertEqual(run.status, 0, "warnings only: \(run.stderr)")
        XCTAssertTrue(run.stdout.contains("<p style=\"color: red;\">"), run.stdout)
        for expected in [
            "mail/page.html:5: warning: the stylesheet linked at line 5 could not be read: https://cdn.example.org/a.css is not a local file, and gazette inline never fetches from the network",
            "mail/page.html:6: warning: the stylesheet linked at line 6 could not be read: mail/css/gone.css: cannot read the file",
            "mail/page.html:9: warning: 'color' has no value",
            "mail/css/layout.css:3: warning:",
            "broken.css:2: warning: 'color' has no value",
            "broken.css:3: warning: a '}' closes nothing",
        ] {
            XCTAssertTrue(run.stderr.contains(expected), "expected \(expected) in:\n\(run.stderr)")
        }
    }

    func testUnreadableInputIsAnErrorAndWritesNothing() throws {
        let missing = try gazette("inline", "nope.html", "-o", "out.html")
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("nope.html: error: cannot read the file"), missing.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("out.html").path))

        let run = try GazetteBinary.run(["inline"], in: directory.url, stdin: Data("<p>caf".utf8) + Data([0xE9]) + Data("</p>".utf8))
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.stdout, "")
        XCTAssertTrue(run.stderr.contains("<stdin>:1: error: the file is not valid UTF-8"), run.stderr)

        let css = try gazette("inline", "mail/page.html", "--css", "missing.css")
        XCTAssertEqual(css.status, 1)
        XCTAssertTrue(css.stderr.contains("missing.css: error: cannot read the file"), css.stderr)

        let unwritable = try gazette("inline", "mail/page.html", "-o", "no/such/folder/out.html")
        XCTAssertEqual(unwritable.status, 1)
        XCTAssertTrue(unwritable.stderr.contains("no/such/folder/out.html: error: cannot write the file"), unwritable.stderr)

        XCTAssertEqual(try gazette("inline", "--no-such-flag").status, 2)
        let help = try gazette("inline", "--help")
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("gazette inline email.html -o email.inlined.html"), help.stdout)
    }
}
