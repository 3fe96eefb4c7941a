// The byte search the bounce classifier matches its phrase lists with: the same answers as `contains`.
import XCTest
@testable import Gazette

final class PhraseSearchTests: XCTestCase {
    func testAgreesWithContains() {
        let texts = ["", "a", "user unknown", "550 5.1.1 <ada@example.org>: user unknown", "uuuser unknownn",
                     "mailbox full", "ユーザー不明 user unknown", "use", "unknown user unknow"]
        let phrases = ["", "u", "user unknown", "unknown", "n", "nn", "user unknownx", "ユーザー", "mailbox full", "o"]
        for text in texts {
            for phrase in phrases {
                XCTAssertEqual(text.containsPhrase(phrase), phrase.isEmpty || text.contains(phrase), "\"\(text)\" ∋ \"\(phrase)\"")
            }
        }
        XCTAssertTrue(String(repeating: "a", count: 1000).appending("ab").containsPhrase("aab"), "a match after many false starts")
    }
}
