// Quoted-printable: known vectors, line lengths, SMTP-safe line starts, and decoding by Python's quopri.
import Foundation
import GazetteTestSupport
import Mail
import XCTest

final class QuotedPrintableTests: XCTestCase {
    private func encoded(_ text: String) -> String { String(decoding: QuotedPrintable.encode(text), as: UTF8.self) }

    func testVectors() {
        XCTAssertEqual(encoded("Hello, world"), "Hello, world")
        XCTAssertEqual(encoded("a=b"), "a=3Db")
        XCTAssertEqual(encoded("Café"), "Caf=C3=A9")
        XCTAssertEqual(encoded("line one\nline two\n"), "line one\r\nline two\r\n")
        XCTAssertEqual(encoded("crlf\r\nkept"), "crlf\r\nkept")
        XCTAssertEqual(encoded("trailing space \nand tab\t\n"), "trailing space=20\r\nand tab=09\r\n")
        XCTAssertEqual(encoded("two  spaces,   three, a\ttab"), "two =20spaces, =20 three, a=09tab")
        XCTAssertEqual(encoded("at the end "), "at the end=20")
        XCTAssertEqual(encoded("lone\rcr"), "lone=0Dcr")
        XCTAssertEqual(encoded(".\n.hidden\nmid.dle"), "=2E\r\n=2Ehidden\r\nmid.dle")
        XCTAssertEqual(encoded("From here\nnot From here"), "=46rom here\r\nnot From here")
        XCTAssertEqual(encoded(""), "")
        let exactly76 = String(repeating: "a", count: 76)
        XCTAssertEqual(encoded(exactly76), exactly76, "a 76-character line needs no soft break")
        XCTAssertEqual(encoded(exactly76 + "a"), String(repeating: "a", count: 75) + "=\r\naa")
    }

    func testLinesStayWithin76AndNeverContainEqualsUnderscore() {
        var generator = SplitMix(seed: 7)
        let alphabet = Array("ab .=\t\n\r_-Fromé€😀<>".unicodeScalars)
        for _ in 0..<300 {
            var text = ""
            for _ in 0..<Int.random(in: 0..<400, using: &generator) {
                text.unicodeScalars.append(alphabet[Int.random(in: 0..<alphabet.count, using: &generator)])
            }
            let output = encoded(text)
            for line in output.components(separatedBy: "\r\n") {
                XCTAssertLessThanOrEqual(line.utf8.count, 76, line)
                XCTAssertFalse(line.hasPrefix("."), line)
                XCTAssertFalse(line.hasPrefix("From "), line)
                XCTAssertFalse(line.hasSuffix(" ") || line.hasSuffix("\t"), "trailing whitespace: \(line)")
                // DKIM's relaxed body canonicalization would change nothing (RFC 6376 §3.4.4).
                XCTAssertFalse(line.contains("  ") || line.contains("\t"), "a run of white space: \(line)")
            }
            XCTAssertFalse(output.contains("=_"))
            XCTAssertFalse(output.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
            XCTAssertTrue(output.utf8.allSatisfy { $0 < 0x80 })
        }
    }

    func testPythonQuopriDecodesTheOutput() throws {
        try PythonTools.require(["quopri"])
        var generator = SplitMix(seed: 42)
        let alphabet = Array("abc xyz .=\t\nFrom é€😀".unicodeScalars)
        var inputs = ["Hello", "Café au lait\n", String(repeating: "é", count: 100), "x \n", ".start\n",
                      String(repeating: "word ", count: 50) + "\n", "a\tb \t\nc"]
        for _ in 0..<100 {
            var text = ""
            for _ in 0..<Int.random(in: 1..<300, using: &generator) {
                text.unicodeScalars.append(alphabet[Int.random(in: 0..<alphabet.count, using: &generator)])
            }
            inputs.append(text)
        }
        let encodedInputs = inputs.map { Data(QuotedPrintable.encode($0)).base64EncodedString() }
        let script = """
        import sys, json, base64, quopri
        print(json.dumps([quopri.decodestring(base64.b64decode(s)).decode("utf-8") for s in json.load(sys.stdin)]))
        """
        let output = try PythonTools.output(script, stdin: try JSONEncoder().encode(encodedInputs))
        let decoded = try JSONDecoder().decode([String].self, from: output)
        XCTAssertEqual(decoded.count, inputs.count)
        for (input, result) in zip(inputs, decoded) {
            // Hard line breaks come back as CRLF.
            XCTAssertEqual(result, input.replacingOccurrences(of: "\n", with: "\r\n"), input)
        }
    }

    func testTemplateEncodesLikeTheWholeText() {
        var generator = SplitMix(seed: 3)
        let alphabet = Array("ab .=\n_Fé😀 ".unicodeScalars)
        func random(_ maximum: Int) -> String {
            var text = ""
            for _ in 0..<Int.random(in: 0..<maximum, using: &generator) {
                text.unicodeScalars.append(alphabet[Int.random(in: 0..<alphabet.count, using: &generator)])
            }
            return text
        }
        for _ in 0..<300 {
            let chunks = (0..<Int.random(in: 1..<6, using: &generator)).map { _ in random(200) }
            let values = (0..<max(chunks.count - 1, 0)).map { _ in random(40) }
            var whole = chunks[0]
            for (index, value) in values.enumerated() { whole += value + chunks[index + 1] }
            let template = QuotedPrintableTemplate(chunks: chunks.map { Array($0.utf8) })
            XCTAssertEqual(template.holeCount, values.count)
            XCTAssertEqual(
                String(decoding: template.encode(values: values.map { Array($0.utf8) }), as: UTF8.self),
                encoded(whole), "chunks \(chunks) values \(values)")
        }
    }
}
