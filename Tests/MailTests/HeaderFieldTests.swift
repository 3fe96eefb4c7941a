// Header fields: RFC 2047 encoded words, folding at 78 columns, the 998-octet limit and the injection guard.
import Foundation
import GazetteTestSupport
import Mail
import XCTest

final class HeaderFieldTests: XCTestCase {
    func testEncodedWordsPickTheShorterEncodingAndStayShort() {
        XCTAssertEqual(EncodedWord.encode("Café"), ["=?UTF-8?B?Q2Fmw6k=?="], "B: 8 characters against Q's 9")
        XCTAssertEqual(EncodedWord.encode("Façade renovations"), ["=?UTF-8?Q?Fa=C3=A7ade_renovations?="])
        XCTAssertEqual(EncodedWord.encode("日本語"), ["=?UTF-8?B?5pel5pys6Kqe?="])
        let long = String(repeating: "日本語のテキスト", count: 10) + String(repeating: "é", count: 80)
        let words = EncodedWord.encode(long)
        XCTAssertGreaterThan(words.count, 3)
        var decoded: [UInt8] = []
        for word in words {
            XCTAssertLessThanOrEqual(word.utf8.count, EncodedWord.maximumLength, word)
            // Each word holds whole UTF-8 sequences: it decodes on its own.
            let bytes = Self.decode(word)
            XCTAssertNotNil(String(validating: bytes, as: UTF8.self), word)
            decoded += bytes
        }
        XCTAssertEqual(String(decoding: decoded, as: UTF8.self), long)
    }

    func testUnstructuredTextKeepsPlainWordsReadable() {
        XCTAssertEqual(EncodedWord.encodeUnstructured("Hello world"), "Hello world")
        XCTAssertEqual(EncodedWord.encodeUnstructured("Issue 12: Café and Crème"),
                       "Issue 12: =?UTF-8?B?Q2Fmw6k=?= and =?UTF-8?B?Q3LDqG1l?=")
        XCTAssertEqual(EncodedWord.encodeUnstructured("Zoë Ünal wrote"), "=?UTF-8?B?Wm/DqyDDnG5hbA==?= wrote")
    }

    func testFoldingAtWhitespace() throws {
        let words = (1...40).map { "word\($0)" }.joined(separator: " ")
        let field = try HeaderField(name: "Subject", text: words)
        let lines = field.folded.components(separatedBy: "\r\n").dropLast()
        XCTAssertGreaterThan(lines.count, 1)
        for line in lines { XCTAssertLessThanOrEqual(line.utf8.count, 78, line) }
        for line in lines.dropFirst() { XCTAssertTrue(line.hasPrefix(" "), "continuation starts with whitespace") }
        XCTAssertEqual(lines.joined(), "Subject: " + words, "unfolding gives back the value")
        XCTAssertTrue(field.folded.hasSuffix("\r\n"))
    }

    func testAWordThatCannotFoldStaysWholeAndTooLongIsRejected() throws {
        let url = "https://example.org/" + String(repeating: "a", count: 150)
        let field = try HeaderField(name: "X-Link", value: "<\(url)>")
        XCTAssertEqual(field.folded, "X-Link: <\(url)>\r\n")
        XCTAssertThrowsError(try HeaderField(name: "X-Link", value: String(repeating: "a", count: 1000)))
        XCTAssertThrowsError(try ListUnsubscribe(url: "https://example.org/" + String(repeating: "a", count: 1000)))
        XCTAssertThrowsError(try HeaderField(name: "X-Raw", value: "café"), "raw values must be ASCII")
        // Free text instead gets encoded words, which fold.
        let text = try HeaderField(name: "Subject", text: String(repeating: "a", count: 1000))
        for line in text.folded.components(separatedBy: "\r\n") { XCTAssertLessThanOrEqual(line.utf8.count, 78) }
    }

    func testHeaderInjectionIsRejectedNamingTheHeader() throws {
        for value in ["Hello\r\nBcc: victim@example.org", "Hello\nBcc: x", "Hello\rX", "Hello\0"] {
            XCTAssertThrowsError(try HeaderField(name: "Subject", text: value)) { error in
                XCTAssertTrue("\(error)".contains("Subject header"), "\(error)")
                guard case .headerInjection(let header, _) = (error as? MailError)?.reason else {
                    return XCTFail("expected header injection, got \(error)")
                }
                XCTAssertEqual(header, "Subject")
            }
            XCTAssertThrowsError(try HeaderField(name: "X-Campaign", value: value))
            XCTAssertThrowsError(try ListID(identifier: "weekly.example.org", name: value))
            XCTAssertThrowsError(try ListUnsubscribe(url: "https://example.org/u/" + value))
            XCTAssertThrowsError(try MessageID("abc" + value + "@example.org"))
        }
        XCTAssertThrowsError(try HeaderField(name: "X-Bad\r\nBcc", value: "x"))
        XCTAssertThrowsError(try HeaderField(name: "X Bad", value: "x"))
        // A subject override at render time goes through the same guard.
        let writer = try MIMEWriter(from: Mailbox("news@example.org"), subject: "Hi", boundary: "=_b")
        XCTAssertThrowsError(try writer.render(
            to: [Mailbox("a@example.org")], messageID: MessageID("1@example.org"), subject: "Hi\r\nBcc: x@example.org",
            date: Date(), text: "t", html: nil))
    }

    func testPythonDecodesEncodedSubjects() throws {
        let subjects = ["Plain ASCII subject", "Café — the ‘weekly’ issue №12 🎉",
                        String(repeating: "Ünïcödé wörds and plain words ", count: 6),
                        "日本語の件名です。とても長い件名をテストします。" + String(repeating: "長い", count: 30),
                        "Looks like =?UTF-8?Q?an_encoded_word?= but is not", "tabs\tand  double  spaces",
                        "emoji 👩‍👩‍👧‍👦 family", String(repeating: "x", count: 200)]
        for subject in subjects {
            let field = try HeaderField(name: "Subject", text: subject)
            for line in field.folded.components(separatedBy: "\r\n") {
                XCTAssertLessThanOrEqual(line.utf8.count, 78, line)
            }
            let message = try Message(
                from: Mailbox("news@example.org"), to: [Mailbox("a@example.org")], subject: subject,
                date: Date(timeIntervalSince1970: 0), messageID: MessageID("x@example.org"), text: "t"
            ).rendered(boundary: "=_b")
            let parsed = try PythonEmail.parse(message)
            XCTAssertEqual(parsed.header("Subject"), subject)
        }
    }

    /// A tiny RFC 2047 decoder for the test (B and Q, UTF-8 only).
    static func decode(_ word: String) -> [UInt8] {
        let parts = word.dropFirst(2).dropLast(2).split(separator: "?", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return [] }
        if parts[1] == "B" { return Array(Data(base64Encoded: String(parts[2])) ?? Data()) }
        var bytes: [UInt8] = []
        var iterator = Array(parts[2].utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "_") { bytes.append(0x20) } else if byte == UInt8(ascii: "=") {
                let hex = String(decoding: [iterator.next() ?? 0, iterator.next() ?? 0], as: UTF8.self)
                bytes.append(UInt8(hex, radix: 16) ?? 0)
            } else { bytes.append(byte) }
        }
        return bytes
    }
}
