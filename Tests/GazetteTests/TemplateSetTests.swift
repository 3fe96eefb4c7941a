import XCTest
@testable import Gazette

final class TemplateSetTests: XCTestCase {
    func files(_ overrides: [String: String]) -> [String: TextFile] {
        var texts = [
            "email.html": "<html><body>{{{content}}} {{subscriber.name}} <a href=\"{{unsubscribe_url}}\">u</a></body></html>",
            "email.txt": "{{% CONTENT_TYPE: TEXT}}\n{{{content_text}}}\n",
            "page.html": "{{> partials/header}}{{{content}}}",
            "index.html": "{{#issues}}<a href=\"{{url}}\">{{title}}</a>{{/issues}}",
            "feed.xml": "<feed>{{#issues}}<entry>{{title}}</entry>{{/issues}}</feed>",
            "partials/header.html": "<h1>{{newsletter.name}}</h1>",
        ]
        for (key, value) in overrides { texts[key] = value }
        return texts.mapValues { TextFile(path: "", text: $0) }.reduce(into: [:]) { result, item in
            result[item.key] = TextFile(path: "templates/\(item.key)", text: item.value.text)
        }
    }

    func testValidSetHasNoWarnings() throws {
        let set = try TemplateSet(files: files([:]), strict: true)
        XCTAssertEqual(set.warnings, [])
    }

    func testUnclosedSectionNamesFileAndLine() {
        XCTAssertThrowsError(try TemplateSet(files: files(["index.html": "<ul>\n{{#issues}}\n<li>{{title}}</li>\n"]), strict: false)) { error in
            let diagnostic = (error as? DiagnosticError)?.diagnostics.first
            XCTAssertEqual(diagnostic?.code, "template-syntax")
            XCTAssertEqual(diagnostic?.location?.path, "templates/index.html")
            XCTAssertNotNil(diagnostic?.location?.line)
        }
    }

    func testMissingPartialIsAnError() {
        XCTAssertThrowsError(try TemplateSet(files: files(["page.html": "a\n{{> partials/nav}}"]), strict: false)) { error in
            let diagnostic = (error as? DiagnosticError)?.diagnostics.first
            XCTAssertEqual(diagnostic?.code, "template-partial")
            XCTAssertEqual(diagnostic?.location?.line, 2)
        }
    }

    func testUnknownVariableWarnsOrFailsWhenStrict() throws {
        let set = try TemplateSet(files: files(["page.html": "{{{content}}}\n\n{{issue.titel}}"]), strict: false)
        XCTAssertEqual(set.warnings.map(\.code), ["template-variable"])
        XCTAssertEqual(set.warnings.first?.location, SourceLocation(path: "templates/page.html", line: 3, column: 1))
        XCTAssertThrowsError(try TemplateSet(files: files(["page.html": "{{issue.titel}}"]), strict: true))
    }

    func testSubscriberVariablesOnlyInEmail() throws {
        let set = try TemplateSet(files: files(["page.html": "{{subscriber.name}}"]), strict: false)
        XCTAssertEqual(set.warnings.map(\.code), ["template-variable"])
    }

    func testMissingLayoutIsAnError() {
        var set = files([:])
        set["feed.xml"] = nil
        XCTAssertThrowsError(try TemplateSet(files: set, strict: false)) { error in
            XCTAssertEqual((error as? DiagnosticError)?.diagnostics.first?.code, "template-missing")
        }
    }
}
