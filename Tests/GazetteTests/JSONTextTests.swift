// JSONText must write exactly what JSONSerialization writes with [.prettyPrinted, .sortedKeys], since every
// `--format json` goes through it; values it does not take are left to JSONSerialization.
import Foundation
import XCTest
@testable import Gazette

final class JSONTextTests: XCTestCase {
    func testSameBytesAsJSONSerialization() throws {
        let samples: [[String: Any]] = [
            [:],
            ["ok": true, "errors": 0, "warnings": -3, "lists": [[String: Any]](), "names": [String]()],
            ["diagnostics": [["severity": "error", "code": "address-invalid", "message": "\"x y\" has no @ / \\ \u{1}\u{8}\u{c}\n\r\t\u{7f}",
                              "file": "subscribers/big.csv", "line": 12, "hint": "write it as name@example.org"]],
             "nested": ["b": ["c": [1, 2, [3]]], "a": "é 日本 🐈 \u{2028}"], "zz": false, "a_b": "", "ab": "x", "a": 1],
        ]
        for sample in samples {
            let expected = try JSONSerialization.data(withJSONObject: sample, options: [.prettyPrinted, .sortedKeys])
            let written = try XCTUnwrap(JSONText.prettySorted(sample))
            XCTAssertEqual(String(decoding: written, as: UTF8.self), String(decoding: expected, as: UTF8.self))
        }
    }

    func testOtherValuesAreLeftToJSONSerialization() {
        XCTAssertNil(JSONText.prettySorted(["ratio": 1.5]))
        XCTAssertNil(JSONText.prettySorted(["none": NSNull()]))
        XCTAssertNil(JSONText.prettySorted(["nested": ["é": 1]]))
        // Keys JSONSerialization orders by collation, not by bytes.
        XCTAssertNil(JSONText.prettySorted(["a_b": 1, "aB": 2]))
        XCTAssertNil(JSONText.prettySorted(["a-b": 1, "a_b": 2, "a1": 3]))
    }
}
