import Foundation
import GazetteTestSupport
import XCTest
@testable import Gazette

final class TemplateSetTests: XCTestCase {
    static func files(_ overrides: [String: String]) -> [String: TextFile] {
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
        let set = try TemplateSet(files: Self.files([:]), strict: true)
        XCTAssertEqual(set.warnings, [])
    }

    func testUnclosedSectionNamesFileAndLine() {
        XCTAssertThrowsError(try TemplateSet(files: Self.files(["index.html": "<ul>\n{{#issues}}\n<li>{{title}}</li>\n"]), strict: false)) { error in
            let diagnostic = (error as? DiagnosticError)?.diagnostics.first
            XCTAssertEqual(diagnostic?.code, "template-syntax")
            XCTAssertEqual(diagnostic?.location?.path, "templates/index.html")
            XCTAssertNotNil(diagnostic?.location?.line)
        }
    }

    func testMissingPartialIsAnError() {
        XCTAssertThrowsError(try TemplateSet(files: Self.files(["page.html": "a\n{{> partials/nav}}"]), strict: false)) { error in
            let diagnostic = (error as? DiagnosticError)?.diagnostics.first
            XCTAssertEqual(diagnostic?.code, "template-partial")
            XCTAssertEqual(diagnostic?.location?.line, 2)
        }
    }

    func testUnknownVariableWarnsOrFailsWhenStrict() throws {
        let set = try TemplateSet(files: Self.files(["page.html": "{{{content}}}\n\n{{issue.titel}}"]), strict: false)
        XCTAssertEqual(set.warnings.map(\.code), ["template-variable"])
        XCTAssertEqual(set.warnings.first?.location, SourceLocation(path: "templates/page.html", line: 3, column: 1))
        XCTAssertThrowsError(try TemplateSet(files: Self.files(["page.html": "{{issue.titel}}"]), strict: true))
    }

    func testSubscriberVariablesOnlyInEmail() throws {
        let set = try TemplateSet(files: Self.files(["page.html": "{{subscriber.name}}"]), strict: false)
        XCTAssertEqual(set.warnings.map(\.code), ["template-variable"])
    }

    func testMissingLayoutIsAnError() {
        var set = Self.files([:])
        set["feed.xml"] = nil
        XCTAssertThrowsError(try TemplateSet(files: set, strict: false)) { error in
            XCTAssertEqual((error as? DiagnosticError)?.diagnostics.first?.code, "template-missing")
        }
    }

    /// A set read again from unchanged files is the one parsed before; an edited file, or strict mode, makes another.
    func testSetsAreParsedOncePerTextsAndStrictness() throws {
        let directory = try TemporaryDirectory("template-cache")
        addTeardownBlock { directory.remove() }
        try directory.write("<p>{{{content}}} one <a href=\"{{unsubscribe_url}}\">u</a></p>", to: "templates/email.html")
        TemplateSet.removeCachedSets()
        let first = try TemplateSet(projectRoot: directory.url)
        XCTAssertEqual(TemplateSet.cache.count, 1)
        _ = try TemplateSet(projectRoot: directory.url)
        XCTAssertEqual(TemplateSet.cache.count, 1, "unchanged files reuse the parsed set")
        XCTAssertEqual(try first.render("email.html", ["content": "A"]), "<p>A one <a href=\"\">u</a></p>")

        try directory.write("<p>{{{content}}} two {{issue.titel}} <a href=\"{{unsubscribe_url}}\">u</a></p>", to: "templates/email.html")
        let edited = try TemplateSet(projectRoot: directory.url)
        XCTAssertEqual(TemplateSet.cache.count, 2)
        XCTAssertEqual(try edited.render("email.html", ["content": "A"]), "<p>A two  <a href=\"\">u</a></p>")
        XCTAssertEqual(edited.warnings.map(\.code), ["template-variable"])
        // The same texts in strict mode are checked again: there the unknown variable is an error, and nothing is kept.
        XCTAssertThrowsError(try TemplateSet(projectRoot: directory.url, strict: true))
        XCTAssertEqual(TemplateSet.cache.count, 2)
    }

    /// Threads that load the same templates at once all get the same, complete set.
    func testSetsCanBeLoadedFromManyThreadsAtOnce() throws {
        let directory = try TemporaryDirectory("template-cache-threads")
        addTeardownBlock { directory.remove() }
        TemplateSet.removeCachedSets()
        let root = directory.url
        let outputs = LockedOutputs()
        DispatchQueue.concurrentPerform(iterations: 16) { _ in
            let set = try? TemplateSet(projectRoot: root)
            outputs.append(try? set?.render("email.txt", ["content_text": "x"]))
        }
        XCTAssertEqual(outputs.values.count, 16)
        XCTAssertEqual(Set(outputs.values).count, 1)
        XCTAssertNotNil(outputs.values.first ?? nil)
        XCTAssertEqual(TemplateSet.cache.count, 1)
    }
}

private final class LockedOutputs: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String?] = []
    var values: [String?] { lock.withLock { stored } }
    func append(_ value: String?) { lock.withLock { stored.append(value) } }
}
