// Mailbox syntax (RFC 5321 §4.1.2), SMTPUTF8 detection and display-name formatting, read back by Python.
import Foundation
import GazetteTestSupport
import Mail
import XCTest

final class MailboxTests: XCTestCase {
    func testValidAddresses() throws {
        let cases: [(String, String)] = [
            ("ada@example.org", "ada@example.org"),
            ("Ada.Lovelace@Example.ORG", "Ada.Lovelace@example.org"),
            ("first.last+tag@sub.example.co.uk", "first.last+tag@sub.example.co.uk"),
            ("!#$%&'*+-/=?^_`{|}~@example.org", "!#$%&'*+-/=?^_`{|}~@example.org"),
            ("\"john doe\"@example.org", "\"john doe\"@example.org"),
            ("\"a\\\"b\"@example.org", "\"a\\\"b\"@example.org"),
            ("user@bücher.example", "user@xn--bcher-kva.example"),
            ("user@[192.0.2.1]", "user@[192.0.2.1]"),
            ("user@localhost", "user@localhost"),
            ("用户@例え.テスト", "用户@xn--r8jz45g.xn--zckzah"),
        ]
        for (input, address) in cases {
            XCTAssertEqual(try Mailbox(input).address, address, input)
        }
        XCTAssertFalse(try Mailbox("user@bücher.example").requiresSMTPUTF8, "an IDN domain has an ASCII form")
        XCTAssertTrue(try Mailbox("用户@example.org").requiresSMTPUTF8)
        XCTAssertTrue(try Mailbox("jösé@example.org").requiresSMTPUTF8)
    }

    func testInvalidAddressesSayWhy() {
        let cases: [(String, String)] = [
            ("ada.example.org", "there is no @"),
            ("@example.org", "the local part is empty"),
            ("john doe@example.org", "a space in the local part"),
            (" ada@example.org", "a space in the local part"),
            (".ada@example.org", "the local part starts with a dot"),
            ("ada.@example.org", "the local part ends with a dot"),
            ("a..b@example.org", "two dots in a row in the local part"),
            ("a,b@example.org", "a comma in the local part"),
            ("a<b@example.org", "the character \"<\" in the local part (it would need quoting)"),
            ("\"unterminated@example.org", "no closing quote"),
            ("a\nb@example.org", "a control character (\\n) in the local part"),
            (String(repeating: "x", count: 65) + "@example.org", "the local part is longer than 64 octets"),
            ("ada@", "the domain is empty"),
            ("ada@example..org", "the domain has an empty label"),
            ("ada@exa mple.org", "a space in the domain"),
            ("ada@example.org>", "the character \">\" in the domain"),
        ]
        for (input, problem) in cases {
            XCTAssertThrowsError(try Mailbox(input), input) { error in
                XCTAssertTrue("\(error)".contains(problem), "\(input): \"\(error)\" should say \"\(problem)\"")
            }
        }
    }

    func testDisplayNamesAreQuotedOrEncoded() throws {
        XCTAssertEqual(try Mailbox("ada@example.org", displayName: "Ada Lovelace").headerValue,
                       "Ada Lovelace <ada@example.org>")
        XCTAssertEqual(try Mailbox("ada@example.org", displayName: "Lovelace, Ada").headerValue,
                       "\"Lovelace, Ada\" <ada@example.org>")
        XCTAssertEqual(try Mailbox("ada@example.org", displayName: "Say \"hi\"").headerValue,
                       "\"Say \\\"hi\\\"\" <ada@example.org>")
        XCTAssertEqual(try Mailbox("ada@example.org", displayName: "Zoë").headerValue,
                       "=?UTF-8?Q?Zo=C3=AB?= <ada@example.org>")
        XCTAssertEqual(try Mailbox("ada@example.org").headerValue, "ada@example.org")
    }

    func testParsingNameAndAddress() throws {
        let plain = try Mailbox(parsing: "Gazette Weekly <news@example.org>")
        XCTAssertEqual(plain.displayName, "Gazette Weekly")
        XCTAssertEqual(plain.address, "news@example.org")
        let quoted = try Mailbox(parsing: "\"Weekly, The\" <news@bücher.example>")
        XCTAssertEqual(quoted.displayName, "Weekly, The")
        XCTAssertEqual(quoted.domain, "xn--bcher-kva.example")
        XCTAssertNil(try Mailbox(parsing: "news@example.org").displayName)
    }

    func testLineBreakInDisplayNameIsRejected() {
        for name in ["Eve\r\nBcc: victim@example.org", "Eve\nX: y", "Eve\0"] {
            XCTAssertThrowsError(try Mailbox("eve@example.org", displayName: name)) { error in
                guard case .headerInjection = (error as? MailError)?.reason else {
                    return XCTFail("expected header injection, got \(error)")
                }
            }
        }
    }

    func testPythonReadsDisplayNamesBack() throws {
        let names = ["Ada Lovelace", "Lovelace, Ada", "Say \"hi\" \\ bye", "Zoë Ünal", "山田 太郎", "=?not?encoded?=",
                     "Émile  with   spaces", String(repeating: "Très long nom ", count: 8) + "fin"]
        for name in names {
            let mailbox = try Mailbox("reader@example.org", displayName: name)
            let message = try Message(
                from: Mailbox("news@example.org", displayName: "News"), to: [mailbox], subject: "Hello",
                date: Date(timeIntervalSince1970: 1_700_000_000), messageID: MessageID("id1@example.org"),
                text: "Hi\n"
            ).rendered(boundary: "=_test")
            let parsed = try PythonEmail.parse(message)
            // Python reads the gap between two encoded words in a phrase as a space (RFC 2047 says to drop it),
            // so only compare words.
            let words = { (text: String?) in text?.split(separator: " ").joined(separator: " ") }
            XCTAssertEqual(words(parsed.addresses["to"]?.first?.displayName), words(mailbox.displayName), name)
            XCTAssertEqual(parsed.addresses["to"]?.first?.username, "reader")
        }
    }
}
