// Whole messages: every one is parsed by Python's email package (policy=default) and must come back with
// no defects, the headers we set, and both parts equal to the input texts.
import Foundation
import GazetteTestSupport
import Mail
import XCTest

final class MessageTests: XCTestCase {
    static let fixedDate = Date(timeIntervalSince1970: 1_739_455_389)  // Thu, 13 Feb 2025 14:03:09 +0000

    static func sampleWriter(subject: String = "Issue 12: Café, crème & the ‘weekly’ news") throws -> MIMEWriter {
        try MIMEWriter(
            from: Mailbox("news@example.org", displayName: "Gazette Wöchentlich"), subject: subject,
            replyTo: Mailbox("editor@example.org", displayName: "The Editor"),
            listID: ListID(identifier: "weekly.example.org", name: "Gazette Weekly"),
            feedbackID: "issue12:weekly:gazette",
            extraHeaders: [HeaderField(name: "X-Campaign", text: "Ausgabe zwölf")],
            boundary: "=_gazette-test-boundary", clock: { MessageTests.fixedDate })
    }

    static let text = "Hello Ada,\n\nThis week: café culture — and a line that is quite long, "
        + String(repeating: "long words again and again ", count: 8) + "\n.\nFrom the editor: thanks!\n"
        + "Trailing spaces   \nEmoji 🎉 and = signs\n"
    static let html = "<!doctype html><html><body><p style=\"color:#333\">Hello Ada,</p>"
        + String(repeating: "<p>Café culture &amp; more — <a href=\"https://example.org/a?b=c&amp;d=e\">link</a></p>", count: 20)
        + "</body></html>\n"

    func testDateFormat() {
        XCTAssertEqual(MessageDate.format(Self.fixedDate), "Thu, 13 Feb 2025 14:03:09 +0000")
        XCTAssertEqual(MessageDate.format(Date(timeIntervalSince1970: 0)), "Thu, 1 Jan 1970 00:00:00 +0000")
        XCTAssertEqual(MessageDate.format(Date(timeIntervalSince1970: 951_782_400)), "Tue, 29 Feb 2000 00:00:00 +0000")
    }

    func testMessageIDs() throws {
        let first = try MessageID(seed: "012-launch/ada@example.org", domain: "Example.ORG")
        XCTAssertEqual(first, try MessageID(seed: "012-launch/ada@example.org", domain: "example.org"))
        XCTAssertNotEqual(first, try MessageID(seed: "012-launch/bob@example.org", domain: "example.org"))
        XCTAssertTrue(first.value.hasSuffix("@example.org"))
        XCTAssertEqual(first.value.count, 32 + "@example.org".count)
        XCTAssertEqual(try MessageID("<abc.def@example.org>").headerValue, "<abc.def@example.org>")
        XCTAssertThrowsError(try MessageID("no-at-sign"))
        XCTAssertThrowsError(try MessageID("a b@example.org"))
    }

    func testBoundaryMustBeSafe() {
        XCTAssertThrowsError(try MIMEWriter(from: Mailbox("a@example.org"), subject: "s", boundary: "simple"))
        XCTAssertThrowsError(try MIMEWriter(from: Mailbox("a@example.org"), subject: "s", boundary: "=_bad\"quote"))
        XCTAssertTrue(MIMEWriter.randomBoundary().hasPrefix("=_"))
        XCTAssertThrowsError(try MIMEWriter(
            from: Mailbox("a@example.org"), subject: "s", extraHeaders: [HeaderField(name: "To", value: "x@example.org")]))
    }

    func testFullMessageParsesBackInPython() throws {
        let writer = try Self.sampleWriter()
        let recipient = try Mailbox("ada@bücher.example", displayName: "Ada Lovelace")
        let unsubscribe = try ListUnsubscribe(
            url: "https://example.org/unsubscribe/" + String(repeating: "t", count: 43) + "?list=weekly",
            mailto: "mailto:unsubscribe@example.org?subject=unsubscribe")
        let message = try writer.render(
            to: [recipient], messageID: MessageID(seed: "12/ada", domain: "example.org"),
            listUnsubscribe: unsubscribe, text: Self.text, html: Self.html)
        let parsed = try PythonEmail.parse(message)

        XCTAssertEqual(parsed.header("Subject"), "Issue 12: Café, crème & the ‘weekly’ news")
        XCTAssertEqual(parsed.header("Date"), "Thu, 13 Feb 2025 14:03:09 +0000")
        XCTAssertEqual(parsed.header("MIME-Version"), "1.0")
        XCTAssertEqual(parsed.header("List-Id"), "Gazette Weekly <weekly.example.org>")
        XCTAssertEqual(parsed.header("List-Unsubscribe"), unsubscribe.headerValue)
        XCTAssertEqual(parsed.header("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click")
        XCTAssertEqual(parsed.header("Feedback-ID"), "issue12:weekly:gazette")
        XCTAssertEqual(parsed.header("X-Campaign"), "Ausgabe zwölf")
        XCTAssertEqual(parsed.header("Message-ID"), try MessageID(seed: "12/ada", domain: "example.org").headerValue)
        XCTAssertEqual(parsed.addresses["from"]?.first?.displayName, "Gazette Wöchentlich")
        XCTAssertEqual(parsed.addresses["to"]?.first?.domain, "xn--bcher-kva.example")
        XCTAssertEqual(parsed.addresses["to"]?.first?.displayName, "Ada Lovelace")
        XCTAssertEqual(parsed.addresses["reply-to"]?.first?.username, "editor")

        XCTAssertEqual(parsed.parts.map(\.type), ["text/plain", "text/html"])
        XCTAssertEqual(parsed.parts.map(\.charset), ["utf-8", "utf-8"])
        XCTAssertEqual(parsed.parts.map(\.transferEncoding), ["quoted-printable", "quoted-printable"])
        XCTAssertEqual(Self.lf(parsed.parts[0].content), Self.text)
        XCTAssertEqual(Self.lf(parsed.parts[1].content), Self.html)
        XCTAssertLessThanOrEqual(parsed.longestBodyLine, 76)
        Self.assertHeaderLinesFolded(message)
    }

    func testMessagesVaryOnlyInPerRecipientFields() throws {
        let writer = try Self.sampleWriter()
        let text = EncodedBody(text: Self.text), html = EncodedBody(text: Self.html)
        for (index, address) in ["a@example.org", "b@example.net", "用户@example.org"].enumerated() {
            let message = try writer.render(
                to: [Mailbox(address)], messageID: MessageID("\(index)@example.org"),
                subject: index == 1 ? "Personal subject for B — ünïcödé" : nil,
                date: Date(timeIntervalSince1970: 1_739_455_389 + Double(index)),
                listUnsubscribe: ListUnsubscribe(url: "https://example.org/u/\(index)"), text: text, html: html)
            let parsed = try PythonEmail.parse(message, utf8Headers: index == 2)
            XCTAssertEqual(parsed.addresses["to"]?.first.map { $0.username + "@" + $0.domain }, address)
            XCTAssertEqual(parsed.header("Message-ID"), "<\(index)@example.org>")
            XCTAssertEqual(parsed.header("List-Unsubscribe"), "<https://example.org/u/\(index)>")
            if index == 1 { XCTAssertEqual(parsed.header("Subject"), "Personal subject for B — ünïcödé") }
            XCTAssertEqual(Self.lf(parsed.parts[1].content), Self.html)
        }
        XCTAssertTrue(try Mailbox("用户@example.org").requiresSMTPUTF8)
    }

    func testTextOnlyMessageAndMessageValue() throws {
        let message = try Message(
            from: Mailbox("news@example.org"), to: [Mailbox("a@example.org"), Mailbox("b@example.org", displayName: "B")],
            subject: "Plain", date: Self.fixedDate, messageID: MessageID("plain@example.org"),
            text: "Just text, no newline at the end"
        ).rendered()
        let parsed = try PythonEmail.parse(message)
        XCTAssertEqual(parsed.parts.count, 1)
        XCTAssertEqual(parsed.parts[0].type, "text/plain")
        XCTAssertEqual(Self.lf(parsed.parts[0].content), "Just text, no newline at the end\n")
        XCTAssertEqual(parsed.addresses["to"]?.count, 2)
        XCTAssertNil(parsed.header("List-Unsubscribe-Post"))
    }

    func testGoldenStructure() throws {
        let writer = try MIMEWriter(
            from: Mailbox("news@example.org"), subject: "Hi", boundary: "=_b1", clock: { MessageTests.fixedDate })
        let message = try writer.render(
            to: [Mailbox("a@example.org")], messageID: MessageID("m@example.org"),
            listUnsubscribe: ListUnsubscribe(url: "https://example.org/u"), text: "Hello\n", html: "<p>Hello</p>\n")
        XCTAssertEqual(String(decoding: message, as: UTF8.self), """
            From: news@example.org\r
            To: a@example.org\r
            Subject: Hi\r
            Date: Thu, 13 Feb 2025 14:03:09 +0000\r
            Message-ID: <m@example.org>\r
            MIME-Version: 1.0\r
            List-Unsubscribe: <https://example.org/u>\r
            List-Unsubscribe-Post: List-Unsubscribe=One-Click\r
            Content-Type: multipart/alternative;\r
             boundary="=_b1"\r
            \r
            --=_b1\r
            Content-Type: text/plain; charset=utf-8\r
            Content-Transfer-Encoding: quoted-printable\r
            \r
            Hello\r
            \r
            --=_b1\r
            Content-Type: text/html; charset=utf-8\r
            Content-Transfer-Encoding: quoted-printable\r
            \r
            <p>Hello</p>\r
            \r
            --=_b1--\r

            """)
        _ = try PythonEmail.parse(message)
    }

    static func lf(_ text: String) -> String { text.replacingOccurrences(of: "\r\n", with: "\n") }

    /// Header lines stay within 78 columns unless a single word is longer (a long URL).
    static func assertHeaderLinesFolded(_ message: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
        let text = String(decoding: message, as: UTF8.self)
        guard let end = text.range(of: "\r\n\r\n") else { return XCTFail("no header end", file: file, line: line) }
        for headerLine in text[..<end.lowerBound].components(separatedBy: "\r\n") where headerLine.utf8.count > 78 {
            let words = headerLine.split(separator: " ")
            XCTAssertEqual(words.count, words.count == 1 ? 1 : 2, "foldable line over 78: \(headerLine)", file: file, line: line)
        }
    }
}
