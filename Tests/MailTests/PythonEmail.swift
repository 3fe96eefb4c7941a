// Test helper: parses messages with Python's email package (policy=default) and reports what it saw —
// defects, decoded headers, addresses, parts — so tests compare against an independent reader.
import Foundation
import GazetteTestSupport
import XCTest

/// What Python's `email` package made of a message.
struct ParsedMessage: Decodable {
    struct Part: Decodable {
        var type: String
        var charset: String?
        var transferEncoding: String?
        var content: String
    }
    struct Address: Decodable {
        var displayName: String
        var username: String
        var domain: String
    }
    var defects: [String]
    var headers: [String: [String]]
    var addresses: [String: [Address]]
    var parts: [Part]
    var longestLine: Int
    var longestBodyLine: Int
    var bareLineFeeds: Bool

    func header(_ name: String) -> String? { headers[name.lowercased()]?.first }
}

enum PythonEmail {
    static let script = #"""
import sys, json, email, email.policy
from email.parser import BytesParser
data = sys.stdin.buffer.read()
def utf8(text):  # raw UTF-8 in headers (SMTPUTF8) arrives as surrogate escapes
    return text.encode("utf-8", "surrogateescape").decode("utf-8")
msg = BytesParser(policy=email.policy.default).parsebytes(data)
defects, headers, addresses, parts = [], {}, {}, []
for part in msg.walk():
    defects += ["%s: %s" % (type(d).__name__, d) for d in part.defects]
    for name, value in part.items():
        defects += ["%s: %s: %s" % (name, type(d).__name__, d) for d in getattr(value, "defects", ())]
for name, value in msg.items():
    headers.setdefault(name.lower(), []).append(utf8(str(value)))
    if name.lower() in ("from", "to", "reply-to"):
        addresses.setdefault(name.lower(), []).extend(
            {"displayName": a.display_name, "username": utf8(a.username), "domain": a.domain} for a in value.addresses)
for part in (msg.iter_parts() if msg.is_multipart() else [msg]):
    parts.append({"type": part.get_content_type(), "charset": part.get_content_charset(),
                  "transferEncoding": part["content-transfer-encoding"], "content": part.get_content()})
head, _, body = data.partition(b"\r\n\r\n")
lines = data.split(b"\r\n")
print(json.dumps({"defects": defects, "headers": headers, "addresses": addresses, "parts": parts,
    "longestLine": max(len(l) for l in lines),
    "longestBodyLine": max([len(l) for l in body.split(b"\r\n")] or [0]),
    "bareLineFeeds": b"\n" in data.replace(b"\r\n", b"") or b"\r" in data.replace(b"\r\n", b"")}))
"""#

    /// Parses `message` with Python and fails the test on any defect.
    /// With `utf8Headers` (a message for an SMTPUTF8 recipient) the two defects by which Python's parser,
    /// which predates RFC 6532, flags raw UTF-8 in an address are expected.
    static func parse(
        _ message: [UInt8], utf8Headers: Bool = false, file: StaticString = #filePath, line: UInt = #line
    ) throws -> ParsedMessage {
        try PythonTools.require(["email", "json"])
        let output = try PythonTools.output(script, stdin: Data(message))
        let parsed = try JSONDecoder().decode(ParsedMessage.self, from: output)
        let defects = parsed.defects.filter { defect in
            !(utf8Headers && (defect.contains("NonASCIILocalPartDefect") || defect.contains("UndecodableBytesDefect")))
        }
        XCTAssertEqual(defects, [], "Python's email package found defects", file: file, line: line)
        XCTAssertFalse(parsed.bareLineFeeds, "a CR or LF outside CRLF", file: file, line: line)
        XCTAssertLessThanOrEqual(parsed.longestLine, 998, file: file, line: line)
        return parsed
    }
}
