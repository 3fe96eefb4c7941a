// RFC 3986 §5.4's own examples of reference resolution, then the cases a newsletter's links bring.
import Markup
import XCTest

final class URLReferenceTests: XCTestCase {
    static let base = "http://a/b/c/d;p?q"

    /// RFC 3986 §5.4.1, "Normal Examples".
    func testNormalExamples() {
        let examples: [(String, String)] = [
            ("g:h", "g:h"), ("g", "http://a/b/c/g"), ("./g", "http://a/b/c/g"), ("g/", "http://a/b/c/g/"),
            ("/g", "http://a/g"), ("//g", "http://g"), ("?y", "http://a/b/c/d;p?y"), ("g?y", "http://a/b/c/g?y"),
            ("#s", "http://a/b/c/d;p?q#s"), ("g#s", "http://a/b/c/g#s"), ("g?y#s", "http://a/b/c/g?y#s"),
            (";x", "http://a/b/c/;x"), ("g;x", "http://a/b/c/g;x"), ("g;x?y#s", "http://a/b/c/g;x?y#s"),
            ("", "http://a/b/c/d;p?q"), (".", "http://a/b/c/"), ("./", "http://a/b/c/"), ("..", "http://a/b/"),
            ("../", "http://a/b/"), ("../g", "http://a/b/g"), ("../..", "http://a/"), ("../../", "http://a/"),
            ("../../g", "http://a/g"),
        ]
        for (reference, expected) in examples {
            XCTAssertEqual(URLReference.resolve(reference, against: Self.base), expected, "\"\(reference)\"")
        }
    }

    /// RFC 3986 §5.4.2, "Abnormal Examples" (the strict parser's answers).
    func testAbnormalExamples() {
        let examples: [(String, String)] = [
            ("../../../g", "http://a/g"), ("../../../../g", "http://a/g"),
            ("/./g", "http://a/g"), ("/../g", "http://a/g"), ("g.", "http://a/b/c/g."), (".g", "http://a/b/c/.g"),
            ("g..", "http://a/b/c/g.."), ("..g", "http://a/b/c/..g"),
            ("./../g", "http://a/b/g"), ("./g/.", "http://a/b/c/g/"), ("g/./h", "http://a/b/c/g/h"),
            ("g/../h", "http://a/b/c/h"), ("g;x=1/./y", "http://a/b/c/g;x=1/y"), ("g;x=1/../y", "http://a/b/c/y"),
            ("g?y/./x", "http://a/b/c/g?y/./x"), ("g?y/../x", "http://a/b/c/g?y/../x"),
            ("g#s/./x", "http://a/b/c/g#s/./x"), ("g#s/../x", "http://a/b/c/g#s/../x"),
            ("http:g", "http:g"),
        ]
        for (reference, expected) in examples {
            XCTAssertEqual(URLReference.resolve(reference, against: Self.base), expected, "\"\(reference)\"")
        }
    }

    /// RFC 3986 §5.2.4's two worked examples.
    func testRemoveDotSegments() {
        XCTAssertEqual(URLReference.removeDotSegments("/a/b/c/./../../g"), "/a/g")
        XCTAssertEqual(URLReference.removeDotSegments("mid/content=5/../6"), "mid/6")
        XCTAssertEqual(URLReference.removeDotSegments(""), "")
        XCTAssertEqual(URLReference.removeDotSegments("/"), "/")
    }

    /// Split by bytes: letters beyond ASCII (and a combining mark right after a delimiter) stay where they were.
    func testReferencesBeyondASCII() {
        let nested = "https://example.org/news/"
        XCTAssertEqual(URLReference.resolve("naïve/../é.pdf?q=ü#ß", against: nested), "https://example.org/news/é.pdf?q=ü#ß")
        XCTAssertEqual(URLReference.resolve("a/\u{301}b/./c", against: nested), "https://example.org/news/a/\u{301}b/c")
        let split = URLReference("ß://hôst/päth?qü#fé")
        XCTAssertEqual([split.scheme, split.authority, split.path, split.query, split.fragment], ["ß", "hôst", "/päth", "qü", "fé"])
    }

    /// A newsletter's base URL, with and without a path; links as issues write them.
    func testNewsletterLinks() {
        let root = "https://news.example.org/", nested = "https://example.org/news/"
        let examples: [(String, String, String)] = [
            ("images/chart.png", root, "https://news.example.org/images/chart.png"),
            ("./images/chart.png", nested, "https://example.org/news/images/chart.png"),
            ("../missing.pdf", root, "https://news.example.org/missing.pdf"),
            ("../missing.pdf", nested, "https://example.org/missing.pdf"),
            ("/about/", nested, "https://example.org/about/"),
            ("files/a b.pdf?download=1#page=2", nested, "https://example.org/news/files/a b.pdf?download=1#page=2"),
            ("?page=2", nested, "https://example.org/news/?page=2"),
            ("issues/../images/x.png", nested, "https://example.org/news/images/x.png"),
            ("//cdn.example.net/x.png", nested, "https://cdn.example.net/x.png"),
            ("feed.xml", "https://example.org/news/?ref=mail", "https://example.org/news/feed.xml"),
            ("café.png", "https://example.org:8443/news/", "https://example.org:8443/news/café.png"),
        ]
        for (reference, base, expected) in examples {
            XCTAssertEqual(URLReference.resolve(reference, against: base), expected, "\"\(reference)\" against \(base)")
        }
    }

    func testSplitAndRecompose() {
        let reference = URLReference("https://user@example.org:8080/a/b?x=1#top")
        XCTAssertEqual(reference.scheme, "https")
        XCTAssertEqual(reference.authority, "user@example.org:8080")
        XCTAssertEqual(reference.path, "/a/b")
        XCTAssertEqual(reference.query, "x=1")
        XCTAssertEqual(reference.fragment, "top")
        XCTAssertEqual(reference.text, "https://user@example.org:8080/a/b?x=1#top")
        XCTAssertEqual(URLReference("?").query, "", "an empty query is kept, not dropped")
        XCTAssertNil(URLReference("a/b").scheme)
        XCTAssertNil(URLReference(":x").scheme, "a scheme is never empty")
    }
}
