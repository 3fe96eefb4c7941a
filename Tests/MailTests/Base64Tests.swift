// Base64 and base64url against Foundation's encoder, for every length up to a few blocks and every input kind
// (arrays, slices, a collection without contiguous storage).
import Foundation
import GazetteTestSupport
import Mail
import XCTest

final class Base64Tests: XCTestCase {
    func testAgreesWithFoundation() {
        var generator = SplitMix(seed: 5)
        for length in 0..<70 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let expected = Data(bytes).base64EncodedString()
            XCTAssertEqual(Base64.encode(bytes), expected)
            XCTAssertEqual(Base64.encode(bytes[...]), expected)
            XCTAssertEqual(Base64.encode(Set([length]).map { _ in bytes }.joined()), expected, "a joined sequence")
            let url = expected.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            XCTAssertEqual(Base64.encodeURLSafe(bytes), url)
            XCTAssertEqual(Base64.decode(Array(expected.utf8)), bytes)
        }
    }
}
