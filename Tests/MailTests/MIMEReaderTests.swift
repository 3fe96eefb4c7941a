// The MIME reader on its own: header unfolding, encoded words, transfer encodings, Content-Type parameters,
// multipart and message/rfc822 nesting, and broken input (truncated, binary, empty, a mangled boundary). Every
// message of the shared MIME corpus is read without a crash.
import Foundation
import GazetteTestSupport
import Mail
import XCTest

final class MIMEReaderTests: XCTestCase {
    static let report = """
    From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
    To: bounces+ada=example.org@news.example.com
    Subject: =?UTF-8?Q?Undelivered_Mail?=
     =?UTF-8?B?IFJldHVybmVk?= to Sender
    MIME-Version: 1.0
    Content-Type: multipart/report; report-type=delivery-status;
    \tboundary="B/1"

    This is a MIME-encapsulated message.

    --B/1
    Content-Type: text/plain; charset=utf-8
    Content-Transfer-Encoding: quoted-printable

    Caf=C3=A9 soft=
     break
    --B/1
    Content-Type: message/delivery-status

    Reporting-MTA: dns; mx.example.net

    Final-Recipient: rfc822; ada@example.org
    Action: failed
    Status: 5.1.1

    --B/1
    Content-Type: message/rfc822

    From: news@example.com
    To: ada@example.org
    Subject: Issue 12

    Hello
    --B/1--
    epilogue

    """

    func testMultipartReportIsReadIntoItsParts() throws {
        let message = try MIMEReader.read(Array(Self.report.utf8))
        XCTAssertEqual(message.contentType.mediaType, "multipart/report")
        XCTAssertEqual(message.contentType.parameters["boundary"], "B/1")
        XCTAssertEqual(message.contentType.parameters["report-type"], "delivery-status")
        XCTAssertEqual(message.parts.map(\.contentType.mediaType), ["text/plain", "message/delivery-status", "message/rfc822"])
        XCTAssertEqual(message.parts[0].text, "Café soft break")
        XCTAssertEqual(message.headerText("Subject"), "Undelivered Mail Returned to Sender")
        let inner = try XCTUnwrap(message.parts[2].parts.first)
        XCTAssertEqual(inner.header("To"), "ada@example.org")
        XCTAssertEqual(String(decoding: inner.body, as: UTF8.self), "Hello")
        let blocks = HeaderFieldReader.readBlocks(message.parts[1].decodedBody[...])
        XCTAssertEqual(blocks.count, 2)
        XCTAssertEqual(blocks[1].value("final-recipient"), "rfc822; ada@example.org")
    }

    func testCRLFAndLFGiveTheSameTree() throws {
        let lf = try MIMEReader.read(Array(Self.report.utf8))
        let crlf = try MIMEReader.read(Array(Self.report.replacingOccurrences(of: "\n", with: "\r\n").utf8))
        XCTAssertEqual(lf.allParts.map(\.contentType), crlf.allParts.map(\.contentType))
        XCTAssertEqual(lf.parts[0].text, crlf.parts[0].text)
        XCTAssertEqual(lf.headers, crlf.headers)
    }

    func testTruncatedMultipartKeepsWhatArrived() throws {
        let cut = String(Self.report.prefix(upTo: try XCTUnwrap(Self.report.range(of: "Action:")).lowerBound))
        let message = try MIMEReader.read(Array(cut.utf8))
        XCTAssertEqual(message.parts.count, 2)
        XCTAssertTrue(String(decoding: message.parts[1].body, as: UTF8.self).contains("Final-Recipient"))
    }

    func testBoundaryTheBodyNeverUsesIsGuessed() throws {
        let text = Self.report.replacingOccurrences(of: "boundary=\"B/1\"", with: "boundary=\"other\"")
            .replacingOccurrences(of: "--B/1", with: "--real-boundary-1")
        let message = try MIMEReader.read(Array(text.utf8))
        XCTAssertEqual(message.parts.count, 3)
    }

    func testNotAMessageIsAnError() {
        XCTAssertThrowsError(try MIMEReader.read([])) { XCTAssertEqual($0 as? MIMEReadError, MIMEReadError(.empty)) }
        XCTAssertThrowsError(try MIMEReader.read(Array("\n\n  \r\n".utf8))) { XCTAssertEqual($0 as? MIMEReadError, MIMEReadError(.empty)) }
        XCTAssertThrowsError(try MIMEReader.read([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00])) {
            XCTAssertEqual($0 as? MIMEReadError, MIMEReadError(.binary))
        }
        XCTAssertThrowsError(try MIMEReader.read(Array("just some words\nand more\n".utf8))) {
            XCTAssertEqual($0 as? MIMEReadError, MIMEReadError(.noHeader))
        }
    }

    func testContentTypeParameters() throws {
        let type = try XCTUnwrap(MIMEContentType(parsing: #"Text/HTML; Charset="ISO-8859-1"; name*0="a b"; name*1=".txt"; x=plain"#))
        XCTAssertEqual(type.mediaType, "text/html")
        XCTAssertEqual(type.parameters["charset"], "ISO-8859-1")
        XCTAssertEqual(type.parameters["name"], "a b.txt")
        XCTAssertEqual(type.parameters["x"], "plain")
        XCTAssertNil(MIMEContentType(parsing: "garbage"))
    }

    func testDecoders() {
        XCTAssertEqual(Base64.decode(Array("aGVs\r\nbG8=".utf8)), Array("hello".utf8))
        XCTAssertEqual(Base64.decode(Array(Base64.encode(Array(0...255 as ClosedRange<UInt8>)).utf8)), Array(0...255 as ClosedRange<UInt8>))
        XCTAssertEqual(QuotedPrintable.decode(Array("a=3Db=\r\nc =ZZ".utf8)), Array("a=bc =ZZ".utf8))
        XCTAssertEqual(QuotedPrintable.decode(QuotedPrintable.encode("Grüße, \"Zoë\" = 1\n.line")), Array("Grüße, \"Zoë\" = 1\r\n.line".utf8))
        XCTAssertEqual(EncodedWord.decode("=?iso-8859-1?q?caf=E9?= =?UTF-8?B?w6k=?= plain =?bad"), "caféé plain =?bad")
        XCTAssertEqual(EncodedWord.decode(EncodedWord.encode("Überweisung für März").joined(separator: " ")), "Überweisung für März")
    }

    /// Japanese bounces come in ISO-2022-JP, Shift_JIS and EUC-JP (glibc's iconv); an unknown charset keeps ASCII.
    func testJapaneseAndOtherCharsetsAreDecoded() {
        let nihon = "日本語のメール: ユーザが存在しません"
        XCTAssertEqual(MIMECharset.decode(Array("\u{1B}$BF|K\\8l\u{1B}(B".utf8), charset: "ISO-2022-JP"), "日本語")
        XCTAssertEqual(MIMECharset.decode([0x93, 0xFA, 0x96, 0x7B] as [UInt8], charset: "Shift_JIS"), "日本")
        XCTAssertEqual(MIMECharset.decode([0x93, 0xFA, 0x96, 0x7B] as [UInt8], charset: "x-sjis"), "日本")
        XCTAssertEqual(MIMECharset.decode([0xC6, 0xFC, 0xCB, 0xDC] as [UInt8], charset: "euc-jp"), "日本")
        XCTAssertEqual(MIMECharset.decode([0xE9, 0x80] as [UInt8], charset: "windows-1252"), "é€")
        XCTAssertEqual(MIMECharset.decode([0xF0, 0xC5, 0xD2] as [UInt8], charset: "koi8-r"), "Пер")
        // A byte the charset does not have becomes U+FFFD; the rest is kept.
        XCTAssertEqual(MIMECharset.decode([0x35, 0x35, 0x30, 0x20, 0x93, 0xFA, 0xFF] as [UInt8], charset: "shift_jis"), "550 日\u{FFFD}")
        XCTAssertEqual(MIMECharset.decode(Array("550 5.1.1 unknown".utf8), charset: "x-no-such-charset"), "550 5.1.1 unknown")
        XCTAssertEqual(EncodedWord.decode("=?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?="), "日本語")
        XCTAssertEqual(MIMECharset.decode(Array(nihon.utf8), charset: "utf-8"), nihon)
    }

    /// Every message of the shared MIME corpus (enmime's and mail-parser's, malformed ones included).
    func testEveryCorpusMessageIsReadWithoutACrash() throws {
        let root = TestPaths.corpora.appendingPathComponent("mime")
        try TestPaths.requireCorpus(root)
        let enumerator = try XCTUnwrap(FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil))
        var read = 0, refused = 0
        for case let url as URL in enumerator where ["eml", "raw"].contains(url.pathExtension) {
            let bytes = try [UInt8](Data(contentsOf: url))
            do {
                let message = try MIMEReader.read(bytes)
                _ = message.allParts.map { $0.text.count }
                read += 1
            } catch is MIMEReadError {
                refused += 1
            }
        }
        XCTAssertGreaterThan(read, 100, "refused \(refused)")
    }
}
