// DATA encoding: dot-stuffing (RFC 5321 §4.5.2), CRLF everywhere, the final dot.
import XCTest
@testable import SMTP

final class MessageDataTests: XCTestCase {
    private func encode(_ text: String) -> String {
        String(decoding: MessageData.encode(Array(text.utf8)), as: UTF8.self)
    }

    func testLinesStartingWithADotAreStuffed() {
        XCTAssertEqual(encode("a\r\n.b\r\n..c\r\n"), "a\r\n..b\r\n...c\r\n.\r\n")
        XCTAssertEqual(encode(".first line\r\n"), "..first line\r\n.\r\n")
        XCTAssertEqual(encode("a\r\n.\r\nb\r\n"), "a\r\n..\r\nb\r\n.\r\n")
    }

    func testMissingFinalLineBreakIsAdded() {
        XCTAssertEqual(encode("no newline"), "no newline\r\n.\r\n")
        XCTAssertEqual(encode(""), ".\r\n")
    }

    func testBareLineFeedsAndCarriageReturnsBecomeCRLF() {
        // A bare LF before "." is how SMTP smuggling hides a second message.
        XCTAssertEqual(encode("a\n.\nMAIL FROM:<x>\n"), "a\r\n..\r\nMAIL FROM:<x>\r\n.\r\n")
        XCTAssertEqual(encode("a\rb\r\n"), "a\r\nb\r\n.\r\n")
    }

    func testDotsInsideLinesAreLeftAlone() {
        XCTAssertEqual(encode("a.b\r\n x.\r\n"), "a.b\r\n x.\r\n.\r\n")
    }
}
