// Email templates are spliced (CompiledTemplate) once a context's fixed values come again: for every construct
// here the output and the slot table must be what swift-mustache's own rendering gives, and the constructs whose
// output depends on a value other than by inserting it must be rendered, never spliced.
import XCTest
@testable import Gazette

final class CompiledTemplateTests: XCTestCase {
    /// Issues with the same fixed values (newsletter, tags, which fields are empty) and different text.
    static let issues: [[String: String]] = [
        ["title": "First & <best>", "author": "Ada", "slug": "first", "summary": ""],
        ["title": "Second \"quoted\" 'single'", "author": "Grace", "slug": "second", "summary": ""],
        ["title": "Third <\u{338} e\u{301} &amp;", "author": "Linus", "slug": "third", "summary": ""],
        ["title": "Fourth GZSLOT0Z {{not a tag}}", "author": "Ken", "slug": "fourth", "summary": ""],
        ["title": "Fifth, with no author", "author": "", "slug": "fifth", "summary": ""],
        ["title": "Sixth, also none", "author": "", "slug": "sixth", "summary": ""],
    ]

    func testPlainTemplatesAreSplicedAsRendered() throws {
        for template in [
            "<h1>{{issue.title}}</h1>{{{content}}}<p>{{{issue.title}}} by {{issue.author}}</p><a href=\"{{unsubscribe_url}}\">u</a>",
            "{{#issue.author}}by {{.}}{{/issue.author}}{{^issue.author}}anonymous{{/issue.author}}{{^issue.summary}}-{{/issue.summary}}",
            "{{#issue}}{{title}} {{{slug}}}{{/issue}} {{#issue.tags}}[{{.}}]{{/issue.tags}} {{newsletter.name}}",
            "Hi {{subscriber.first_name}}, {{{content}}} {{subscriber.email}} {{subscriber.first_name}}",
            "<ul>\n  {{> partials/row}}\n</ul>",
            "{{% CONTENT_TYPE: TEXT}}\n{{issue.title}} <{{issue.author}}>\n{{{content}}}",
            // Emptiness is part of the fixed values: an empty field is never spliced.
            "{{#empty(issue.author)}}none{{/empty(issue.author)}}{{issue.title}}",
        ] {
            let set = try assertSplicesAsRendered(template)
            XCTAssertTrue(set.compiled.templates.count > 0 && set.compiled.hasSplicedTemplate, "not spliced: \(template)")
        }
    }

    func testTemplatesThatChangeValuesAreRendered() throws {
        for template in [
            "{{uppercased(issue.title)}}", "{{lowercased(issue.author)}}", "{{capitalized(issue.title)}}",
            "{{reversed(issue.author)}}", "GzStandIn0q {{issue.title}}",
        ] {
            // Only issues with every field filled: for an empty one, a transform's output is fixed and may be spliced.
            let set = try assertSplicesAsRendered(template, issues: Array(Self.issues.prefix(4)))
            XCTAssertFalse(set.compiled.hasSplicedTemplate, "spliced: \(template)")
        }
    }

    /// Renders every issue three times through splicing and compares each with a plain render.
    @discardableResult
    func assertSplicesAsRendered(_ template: String, issues: [[String: String]] = issues,
                                 file: StaticString = #filePath, line: UInt = #line) throws -> TemplateSet {
        var files = TemplateSetTests.files(["email.html": template])
        files["partials/row.html"] = TextFile(path: "templates/partials/row.html", text: "<li>{{{content}}}</li>\n<li>{{issue.title}}</li>\n")
        files["first.html"] = TextFile(path: "templates/first.html", text: "partial named first")
        let set = try TemplateSet(files: files, strict: false)
        for _ in 0..<3 {
            for issue in issues {
                let (expectedContext, expectedSlots) = context(issue)
                let expected = try set.render("email.html", expectedContext)
                let (context, slots) = context(issue)
                let spliced = try set.render("email.html", context, slots: slots)
                XCTAssertEqual(spliced, expected, template, file: file, line: line)
                XCTAssertEqual(slots.names, expectedSlots.names, template, file: file, line: line)
            }
        }
        return set
    }

    func context(_ issue: [String: String]) -> ([String: Any], SlotTable) {
        let slots = SlotTable()
        _ = slots.token(for: "subscriber.name")  // as a body marker would
        var issueValues: [String: Any] = issue
        issueValues["tags"] = ["a", "b"]
        let context: [String: Any] = [
            "issue": issueValues, "newsletter": ["name": "The Newsletter", "sender": ["name": "Ed"]],
            "content": "<p>Body of \(issue["slug"] ?? "")</p>\n", "content_text": "Body\r\n",
            "subscriber": SubscriberSlots(table: slots), "unsubscribe_url": slots.token(for: "unsubscribe_url"),
        ]
        return (context, slots)
    }
}
