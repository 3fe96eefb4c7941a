import XCTest
@testable import Gazette

final class PersonalizationTests: XCTestCase {
    func testBodyMarkersOutsideCodeBecomeSlotsAndCodeStaysLiteral() {
        let html = "<p>Hi {{subscriber.name}}, use <code>{{subscriber.name}}</code></p>\n<pre><code>{{#x}}{{/x}}\n</code></pre>\n<p><a href=\"%7B%7Bunsubscribe_url%7D%7D\">u</a> {{ 1 + 2 }}</p>"
        let table = SlotTable()
        let (output, markers) = BodyMarkers.replace(in: html) { name in
            TemplateVariables.isPerRecipient(name) ? table.token(for: name) : nil
        }
        XCTAssertEqual(output, "<p>Hi GZSLOT0Z, use <code>{{subscriber.name}}</code></p>\n<pre><code>{{#x}}{{/x}}\n</code></pre>\n<p><a href=\"GZSLOT1Z\">u</a> {{ 1 + 2 }}</p>")
        XCTAssertEqual(markers.map(\.name), ["subscriber.name", "unsubscribe_url"])
        XCTAssertEqual(table.names, ["subscriber.name", "unsubscribe_url"])
    }

    func testUnknownMarkerIsKeptAndReported() {
        let (output, markers) = BodyMarkers.replace(in: "<p>{{ sender.nickname }}</p>") { _ in nil }
        XCTAssertEqual(output, "<p>{{ sender.nickname }}</p>")
        XCTAssertEqual(markers, [BodyMarkers.Marker(name: "sender.nickname", resolved: false)])
    }

    func testTemplateSplitsOnTokensAndEscapesForHTML() {
        let template = PersonalizationTemplate(splitting: "<p>Hi GZSLOT0Z!</p><a href=\"GZSLOT1Z\">x</a>GZSLOT12 GZSLOTZ", escaping: .html)
        XCTAssertEqual(template.slots, [0, 1])
        XCTAssertEqual(template.render(["Tom & <Jerry>", "https://x.org/u?a=1&b=2"]),
                       "<p>Hi Tom &amp; &lt;Jerry&gt;!</p><a href=\"https://x.org/u?a=1&amp;b=2\">x</a>GZSLOT12 GZSLOTZ")
        let text = PersonalizationTemplate(splitting: "GZSLOT0Z", escaping: .none)
        XCTAssertEqual(text.render(["Tom & Jerry"]), "Tom & Jerry")
    }

    func testTemplateRoundTripsThroughJSON() throws {
        let template = PersonalizationTemplate(splitting: "Zoë GZSLOT0Z ✓", escaping: .html)
        let decoded = try JSONDecoder().decode(PersonalizationTemplate.self, from: JSONEncoder().encode(template))
        XCTAssertEqual(decoded, template)
    }

    func testSlotValuesUseDefaultsForEmptyFields() {
        let prepared = PreparedIssue(
            issueNumber: 1, slug: "a", title: "t", date: "2026-01-01", sourcePath: "x", preheader: nil, lists: nil,
            slotNames: ["subscriber.name", "unsubscribe_url", "subscriber.city"],
            subject: .init(splitting: "", escaping: .none), html: .init(splitting: "", escaping: .html),
            text: .init(splitting: "", escaping: .none), webURL: "")
        XCTAssertEqual(prepared.slotValues(fields: ["name": "", "city": "Oslo"], unsubscribeURL: "u", defaults: ["name": "there"]),
                       ["there", "u", "Oslo"])
    }
}
