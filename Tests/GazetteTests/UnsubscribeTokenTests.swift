// Unsubscribe links: the opaque token names nobody, opens to the address and list it sealed, refuses forged,
// altered, truncated and foreign tokens; the legacy `email=…&token=<HMAC>` links of issues already sent still work.
import Foundation
import XCTest
@testable import Gazette

final class UnsubscribeTokenTests: XCTestCase {
    let link = UnsubscribeLink(baseURL: "https://x.example.org/unsubscribe", mailto: "unsubscribe@x.example.org", secret: "s3cret")

    func testLinksCarryNoAddressAndOpenToTheRecipient() throws {
        let links = try link.links(address: "Ada.Lovelace+news@Example.org", list: "main")
        let url = try XCTUnwrap(links.url), mailto = try XCTUnwrap(links.mailto)
        for text in [String(url.dropFirst("https://x.example.org/unsubscribe".count)),
                     mailto.replacingOccurrences(of: "mailto:unsubscribe@x.example.org", with: "")] {
            XCTAssertFalse(text.lowercased().contains("ada"), text)
            XCTAssertFalse(text.contains("%40"), text)
            XCTAssertFalse(text.lowercased().contains("example.org"), text)
        }
        XCTAssertTrue(url.hasPrefix("https://x.example.org/unsubscribe?token="), url)
        let token = String(url.dropFirst("https://x.example.org/unsubscribe?token=".count))
        XCTAssertEqual(link.target(token: token, email: nil, list: nil),
                       UnsubscribeTarget(address: "ada.lovelace+news@example.org", list: "main", form: .sealed))
        XCTAssertEqual(try link.url(address: "ada.lovelace+news@example.org", list: "main"), url, "the same link in every run")
        XCTAssertNotEqual(try link.url(address: "ada.lovelace+news@example.org", list: "beta"), url)
        XCTAssertEqual(try UnsubscribeLink(baseURL: "https://x.example.org/u?a=b", mailto: nil, secret: "s").url(address: "a@b.c", list: "m")?
            .hasPrefix("https://x.example.org/u?a=b&token="), true)

        let subject = try XCTUnwrap(URLComponents(string: mailto)?.queryItems?.first { $0.name == "subject" }?.value)
        XCTAssertEqual(link.target(mailSubject: subject)?.address, "ada.lovelace+news@example.org")
    }

    func testForgedAlteredTruncatedAndForeignTokensAreRefused() throws {
        let token = try link.sealedToken(address: "ada@example.org", list: "main")
        var characters = Array(token)
        for index in stride(from: 0, to: characters.count, by: 3) {
            let original = characters[index]
            characters[index] = original == "A" ? "B" : "A"
            XCTAssertNil(link.target(token: String(characters), email: nil, list: nil), "changed at \(index)")
            characters[index] = original
        }
        for length in [0, 1, 10, 40, token.count - 1] {
            XCTAssertNil(link.target(token: String(token.prefix(length)), email: nil, list: nil), "truncated to \(length)")
        }
        XCTAssertNil(UnsubscribeLink(baseURL: nil, mailto: nil, secret: "other").target(token: token, email: nil, list: nil))
        XCTAssertNil(link.target(token: token + "A", email: nil, list: nil))
        XCTAssertNil(link.target(token: "not base64 !", email: nil, list: nil))
        XCTAssertNil(link.target(token: String(repeating: "A", count: 5000), email: nil, list: nil))
        XCTAssertNil(link.target(token: nil, email: nil, list: nil))
        // A sealed token with address parameters beside it is neither form.
        XCTAssertNil(link.target(token: token, email: "ada@example.org", list: nil))
    }

    func testLegacyLinksOfIssuesAlreadySentStillVerify() throws {
        let legacy = try link.token(address: "Ada@Example.org", list: "main")
        XCTAssertEqual(link.target(token: legacy, email: "ada@example.org", list: "main"),
                       UnsubscribeTarget(address: "ada@example.org", list: "main", form: .legacy))
        XCTAssertNil(link.target(token: legacy, email: "eve@example.org", list: "main"), "moved to another address")
        XCTAssertNil(link.target(token: legacy, email: "ada@example.org", list: "beta"), "moved to another list")
        XCTAssertNil(link.target(token: String(legacy.dropLast()), email: "ada@example.org", list: "main"), "truncated")
        XCTAssertEqual(link.target(mailSubject: "unsubscribe main ada@example.org \(legacy)")?.form, .legacy)
        XCTAssertNil(link.target(mailSubject: "unsubscribe main eve@example.org \(legacy)"))
        XCTAssertNil(link.target(mailSubject: "Re: hello"))
    }
}
