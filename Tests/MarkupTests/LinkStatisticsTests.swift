// Unit tests of LinkStatistics: visible words and characters, links and link text, images and alt text,
// and that hidden content is left out by the same rule as the text alternative.
import XCTest
@testable import Markup

final class LinkStatisticsTests: XCTestCase {
    private func statistics(_ html: String) throws -> LinkStatistics {
        LinkStatistics(try XCTUnwrap(try HTMLDocument(parsing: html).root))
    }

    func testCountsVisibleWordsAndCharacters() throws {
        let stats = try statistics("<p>Hello  <b>wor</b>ld,&nbsp;you!</p><p>Two&zwnj;words</p>")
        XCTAssertEqual(stats.words, 4)  // Hello, world, you!, Twowords
        XCTAssertEqual(stats.characters, 5 + 6 + 4 + 8)
    }

    func testBlocksSeparateWords() throws {
        XCTAssertEqual(try statistics("<div>one</div><div>two</div><p>three<br>four</p>").words, 4)
    }

    func testLinksAndLinkText() throws {
        let html = """
            <p>Read <a href="https://a.example/x">the long article</a> and
            <a href="mailto:ed@example.org">write</a>. <a href=" #top ">Top</a> <a name="x">no href</a></p>
            """
        let stats = try statistics(html)
        XCTAssertEqual(stats.linkCount, 3)
        XCTAssertEqual(stats.mailtoLinkCount, 1)
        XCTAssertEqual(stats.webLinkCount, 2)
        XCTAssertEqual(stats.links.map(\.href), ["https://a.example/x", "mailto:ed@example.org", "#top"])
        XCTAssertEqual(stats.links.map(\.text), ["the long article", "write", "Top"])
        XCTAssertEqual(stats.links.map(\.line), [1, 2, 2])
        XCTAssertEqual(stats.linkWords, 5)
        XCTAssertEqual(stats.linkCharacters, 14 + 5 + 3)
        XCTAssertEqual(stats.words, 9)
        XCTAssertEqual(stats.linkTextRatio, Double(22) / Double(stats.characters), accuracy: 1e-9)
        XCTAssertEqual(stats.linksPer100Words, 300.0 / 9, accuracy: 1e-9)
    }

    func testImagesAltAndRatio() throws {
        let html = """
            <p><a href="https://x.example"><img src="logo.png" alt="Logo" width="120" height="30"></a></p>
            <p><img src="hero.jpg" alt=""></p>
            <p><img src="chart.png"></p>
            <p>Four words of text.</p>
            """
        let stats = try statistics(html)
        XCTAssertEqual(stats.imageCount, 3)
        XCTAssertEqual(stats.images[0], LinkStatistics.Image(src: "logo.png", alt: "Logo", line: 1, width: "120", height: "30"))
        XCTAssertEqual(stats.imagesWithoutAlt.map(\.src), ["chart.png"])
        XCTAssertEqual(stats.imagesWithoutAlt.map(\.line), [3])
        XCTAssertEqual(stats.imagesPer100Words, 75, accuracy: 1e-9)
        XCTAssertTrue(stats.links[0].containsImage)
        XCTAssertEqual(stats.links[0].text, "")
    }

    func testHiddenContentDoesNotCount() throws {
        let html = """
            <html><head><title>Title words</title></head><body>
            <div style="display:none;max-height:0;overflow:hidden;mso-hide:all">Preheader <a href="https://p.example">x</a></div>
            <p hidden>gone</p><span aria-hidden="true">gone</span><!-- comment words -->
            <img src="pixel.gif" style="display:none">
            <p>Seen</p></body></html>
            """
        let stats = try statistics(html)
        XCTAssertEqual(stats.words, 1)
        XCTAssertEqual(stats.linkCount, 0)
        XCTAssertEqual(stats.imageCount, 0)
    }

    func testEmptyDocument() throws {
        let stats = try statistics("")
        XCTAssertEqual(stats.words, 0)
        XCTAssertEqual(stats.linkTextRatio, 0)
        XCTAssertEqual(stats.linksPer100Words, 0)
    }

    /// The statistics and the text alternative agree on what is visible.
    func testAgreesWithTheTextAlternative() throws {
        let html = try goldenInput("plaintext-email-layout/input.html")
        let document = try HTMLDocument(parsing: html)
        let root = try XCTUnwrap(document.root)
        let stats = LinkStatistics(root)
        let options = PlainTextOptions(links: .inline)
        let text = PlainTextWriter.text(from: root, options: options)
        for link in stats.links where !link.text.isEmpty && !link.isMailto {
            XCTAssertTrue(text.contains(link.href), link.href)
        }
        XCTAssertFalse(text.contains("Release notes, a reading list"), "the preheader is hidden")
        XCTAssertEqual(stats.links.count, 16)
        XCTAssertEqual(stats.mailtoLinkCount, 1)
        XCTAssertEqual(stats.imagesWithoutAlt.map(\.src), ["https://gazette.example.org/open/GZSLOT4Z.gif"],
                       "the open-tracking pixel has no alt")
    }
}
