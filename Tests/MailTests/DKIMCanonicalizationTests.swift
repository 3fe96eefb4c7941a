// The eight-bytes-at-a-time test of whether a body needs relaxed canonicalization, against the plain
// definition byte by byte, on the edge cases (word boundaries) and on random bodies; and the promise the
// signer relies on: a body it finds unchanged is its own canonical form.
@testable import Mail
import XCTest

final class DKIMCanonicalizationTests: XCTestCase {
    /// The definition: a tab or control byte, two spaces in a row, whitespace before CRLF, a bare CR or LF.
    private func simpleNeedsRewriting(_ bytes: [UInt8]) -> Bool {
        var previous: UInt8 = 0x0A
        for (index, byte) in bytes.enumerated() {
            if byte < 0x20 && byte != 0x0D && byte != 0x0A { return true }
            if byte == 0x20 && previous == 0x20 { return true }
            if byte == 0x0D && (previous == 0x20 || index + 1 >= bytes.count || bytes[index + 1] != 0x0A) { return true }
            if byte == 0x0A && previous != 0x0D { return true }
            previous = byte
        }
        return false
    }

    private func fast(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { DKIMCanonicalization.needsRewriting($0, end: $0.count) }
    }

    private func check(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
        let expected = simpleNeedsRewriting(bytes)
        XCTAssertEqual(fast(bytes), expected, "\(bytes)", file: file, line: line)
        if !expected {
            let canonical = bytes.withUnsafeBufferPointer { DKIMCanonicalization.body($0) }
            // The signer asks only about bodies that end in CRLF, after dropping trailing empty lines.
            if bytes.suffix(2) == [0x0D, 0x0A] && bytes.suffix(4) != [0x0D, 0x0A, 0x0D, 0x0A] && bytes != [0x0D, 0x0A] {
                XCTAssertEqual(canonical, bytes, "\(bytes)", file: file, line: line)
            }
        }
    }

    func testEdgeCasesAtEveryOffsetAgreeWithTheDefinition() {
        let cases: [[UInt8]] = [
            Array("a\r".utf8), Array("a\n".utf8), Array("a \r\n".utf8), Array("a\t\r\n".utf8), Array("a\tb\r\n".utf8),
            Array("a  b\r\n".utf8), Array("a b\r\n".utf8), Array("a b\r\n\r\n".utf8), Array("\r\n".utf8), Array(" \r\n".utf8),
            Array("a\r\rb\r\n".utf8), Array("a\n\rb\r\n".utf8), Array("a\u{1}b\r\n".utf8), Array(" a\r\n".utf8),
            Array("é  ü\r\n".utf8), Array("ab\r\n\r\n\r\n".utf8), [],
        ]
        // Each case after 0…17 filler bytes, so that every special byte falls at every position of a word,
        // and on both sides of a boundary (a space ending one word, a space starting the next).
        for filler in ["x", " x", "xy "] {
            for padding in 0..<18 {
                let prefix = Array(String(repeating: filler, count: padding).prefix(padding).utf8)
                for body in cases {
                    check(prefix + body)
                    check(prefix + body + Array("tail text\r\n".utf8))
                }
            }
        }
    }

    func testRandomBodiesAgreeWithTheDefinition() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [0x20, 0x20, 0x20, 0x0D, 0x0A, 0x09, 0x61, 0x62, 0x3D, 0xC3, 0x01, 0x7F, 0xA0, 0x21, 0x1F]
        var disagreements = 0
        var cleanSeen = 0
        for _ in 0..<20_000 {
            let length = Int.random(in: 0..<40, using: &generator)
            var bytes = (0..<length).map { _ in alphabet.randomElement(using: &generator) ?? 0x61 }
            // Mostly proper lines, so that the fast path's "nothing to change" answer is exercised too.
            if Bool.random(using: &generator) {
                bytes = bytes.map { $0 == 0x0D || $0 == 0x0A || $0 == 0x09 || $0 == 0x01 || $0 == 0x1F ? 0x61 : $0 } + [0x0D, 0x0A]
            }
            if fast(bytes) != simpleNeedsRewriting(bytes) { disagreements += 1 }
            if !simpleNeedsRewriting(bytes) { cleanSeen += 1 }
        }
        XCTAssertEqual(disagreements, 0)
        XCTAssertGreaterThan(cleanSeen, 100)
    }

    /// The signer hashes a composed body as it is, without a rewritten copy: quoted-printable leaves no tab, no run
    /// of spaces and no white space before a line end, and the MIME structure around the parts has none either.
    func testComposedBodiesAreAlreadyRelaxed() throws {
        let writer = try MessageTests.sampleWriter()
        let message = try writer.render(
            to: [Mailbox("ada@example.org", displayName: "Ada")], messageID: MessageID(seed: "12/ada", domain: "example.org"),
            listUnsubscribe: nil,
            text: MessageTests.text + "    indented code\n\tand a tab  \n", html: "<pre>  a   b\t</pre>\n" + MessageTests.html)
        guard let split = message.firstRange(of: Array("\r\n\r\n".utf8)) else { return XCTFail("no header/body split") }
        let body = Array(message[split.upperBound...])
        XCTAssertTrue(body.contains(0x20))
        XCTAssertFalse(fast(body), String(decoding: body, as: UTF8.self))
    }
}
