// DATA encoding: dot-stuffing (RFC 5321 §4.5.2), CRLF everywhere, the final dot.
import GazetteTestSupport
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

    /// The same bytes as the definition, one byte at a time, for random messages rich in CR, LF and dots.
    func testAgreesWithTheByteByByteDefinition() {
        func reference(_ input: [UInt8]) -> [UInt8] {
            var output: [UInt8] = [], index = 0, atLineStart = true
            while index < input.count {
                let byte = input[index]
                if byte == 0x0D || byte == 0x0A {
                    output += [0x0D, 0x0A]
                    index += byte == 0x0D && index + 1 < input.count && input[index + 1] == 0x0A ? 2 : 1
                    atLineStart = true
                    continue
                }
                if atLineStart && byte == 0x2E { output.append(0x2E) }
                output.append(byte)
                atLineStart = false
                index += 1
            }
            if !atLineStart { output += [0x0D, 0x0A] }
            return output + [0x2E, 0x0D, 0x0A]
        }
        var generator = SplitMix(seed: 11)
        let alphabet: [UInt8] = Array("ab.\r\n .".utf8)
        let lineAlphabet: [UInt8] = Array("ab. ".utf8)
        var ready = 0
        for round in 0..<2_000 {
            var input = (0..<Int.random(in: 0..<40, using: &generator)).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
            if round % 2 == 0 {  // mostly CRLF lines, as composed messages are, with now and then a flaw
                input = []
                for _ in 0..<Int.random(in: 1..<6, using: &generator) {
                    input += (0..<Int.random(in: 0..<8, using: &generator)).map { _ in lineAlphabet[Int.random(in: 0..<lineAlphabet.count, using: &generator)] }
                    input += Int.random(in: 0..<20, using: &generator) == 0 ? [0x0A] : [0x0D, 0x0A]
                }
            }
            if MessageData.isReadyForTheWire(input) { ready += 1 }
            let expected = reference(input)
            XCTAssertEqual(MessageData.encode(input), expected, "\(String(decoding: input, as: UTF8.self).debugDescription)")
            // Ready for the wire exactly when the definition changes nothing.
            XCTAssertEqual(MessageData.isReadyForTheWire(input), expected == input + [0x2E, 0x0D, 0x0A] && !input.isEmpty,
                           "\(String(decoding: input, as: UTF8.self).debugDescription)")
        }
        XCTAssertGreaterThan(ready, 100)
    }
}
