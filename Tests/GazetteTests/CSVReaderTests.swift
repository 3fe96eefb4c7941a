import GazetteTestSupport
import XCTest
@testable import Gazette

/// Every case is read whole and in tiny chunks (1–7 bytes) and in chunks of 61, where most records lie whole in
/// the buffer (lent from it) and some are cut (copied by the state machine): chunk boundaries must change nothing.
final class CSVReaderTests: XCTestCase {
    typealias Row = Result<CSVRecord, CSVRowError>
    var directory: TemporaryDirectory!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory("csv")
        addTeardownBlock { [directory] in directory?.remove() }
    }

    /// All rows of `bytes`, checked to be the same for every chunk size.
    func rows(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) throws -> [Row] {
        let url = try directory.write(Data(bytes), to: "input-\(UUID().uuidString).csv")
        var results: [[Row]] = []
        for chunkSize in [CSVReader.defaultChunkSize, 1, 2, 3, 4, 5, 7, 61] {
            let reader = try CSVReader(url: url, path: "input.csv", chunkSize: chunkSize)
            var rows: [Row] = []
            while let row = try reader.next() { rows.append(row) }
            XCTAssertNil(try reader.next(), "stays at the end", file: file, line: line)
            results.append(rows)
        }
        for (index, other) in results.enumerated().dropFirst() {
            XCTAssertEqual(other, results[0], "chunk size variant \(index) differs", file: file, line: line)
        }
        return results[0]
    }

    func rows(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> [Row] {
        try rows(Array(text.utf8), file: file, line: line)
    }

    func ok(_ line: Int, _ fields: String...) -> Row { .success(CSVRecord(line: line, fields: fields)) }
    func bad(_ line: Int, _ reason: CSVRowError.Reason) -> Row { .failure(CSVRowError(line: line, reason: reason)) }

    func testQuotedFieldsHoldCommasQuotesAndLineBreaks() throws {
        let text = "a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\"\nnext,,\"\",x\n"
        XCTAssertEqual(try rows(text), [ok(1, "a", "b,c", "say \"hi\"", "two\nlines"), ok(3, "next", "", "", "x")])
    }

    func testLineEndingsBlankLinesAndMissingFinalNewline() throws {
        XCTAssertEqual(try rows("a,b\r\nc,d\r\n"), [ok(1, "a", "b"), ok(2, "c", "d")])
        XCTAssertEqual(try rows("a,b\nc,d"), [ok(1, "a", "b"), ok(2, "c", "d")])
        XCTAssertEqual(try rows("a,b\r\n\r\n\nc,d\n\n\n"), [ok(1, "a", "b"), ok(4, "c", "d")])
        XCTAssertEqual(try rows("a\rb\r"), [ok(1, "a"), ok(2, "b")], "a lone CR ends a line too")
        XCTAssertEqual(try rows("\"x\r\ny\"\r\nz"), [ok(1, "x\r\ny"), ok(3, "z")], "CRLF inside quotes is content")
        XCTAssertEqual(try rows("\"a\",\"b\""), [ok(1, "a", "b")])
        XCTAssertEqual(try rows("a,\n"), [ok(1, "a", "")], "a trailing comma is an empty last field")
        XCTAssertEqual(try rows("\"\"\n"), [ok(1, "")], "an empty quoted field is a record, not a blank line")
        XCTAssertEqual(try rows(""), [])
        XCTAssertEqual(try rows("\n\r\n\n"), [])
    }

    func testByteOrderMarkIsSkippedOnlyAtTheStart() throws {
        XCTAssertEqual(try rows([0xEF, 0xBB, 0xBF] + Array("email,name\nx,\u{FEFF}y\n".utf8)),
                       [ok(1, "email", "name"), ok(2, "x", "\u{FEFF}y")])
        XCTAssertEqual(try rows([0xEF, 0xBB, 0xBF]), [])
        XCTAssertEqual(try rows([0xEF, 0xBB]), [bad(1, .invalidUTF8(field: 1))], "half a mark is no text")
    }

    func testQuoteInsideAnUnquotedFieldIsText() throws {
        XCTAssertEqual(try rows("Ops \"Tom\" Team,5\"\n"), [ok(1, "Ops \"Tom\" Team", "5\"")])
    }

    func testTextAfterAClosingQuoteIsARowErrorAndReadingGoesOn() throws {
        XCTAssertEqual(try rows("\"Ops \"Team\" Ltd\",x\nnext,row\n"),
                       [bad(1, .textAfterClosingQuote), ok(2, "next", "row")])
    }

    func testUnterminatedQuoteNamesTheLineWhereTheFieldOpened() throws {
        XCTAssertEqual(try rows("a,b\nc,\"d\ne,f\ng\n"), [ok(1, "a", "b"), bad(2, .unterminatedQuote)])
        XCTAssertEqual(try rows("\""), [bad(1, .unterminatedQuote)])
    }

    func testInvalidUTF8AndNULBytesSpoilOnlyTheirRow() throws {
        let latin1 = Array("ok,fine\nbad,caf".utf8) + [0xE9] + Array("\nok2,fine\n".utf8)
        XCTAssertEqual(try rows(latin1), [ok(1, "ok", "fine"), bad(2, .invalidUTF8(field: 2)), ok(3, "ok2", "fine")])
        let surrogate = Array("x\n\"".utf8) + [0xED, 0xA0, 0x80] + Array("\"\ny\n".utf8)
        XCTAssertEqual(try rows(surrogate), [ok(1, "x"), bad(2, .invalidUTF8(field: 1)), ok(3, "y")])
        // The first problem in reading order names the row: a bad field before a stray quote, and the other way round.
        let badThenQuote = [0xE9] + Array(",\"b\"x\nok\n".utf8)
        XCTAssertEqual(try rows(badThenQuote), [bad(1, .invalidUTF8(field: 1)), ok(2, "ok")])
        let quoteThenBad = Array("\"a\"x,".utf8) + [0xE9] + Array("\nok\n".utf8)
        XCTAssertEqual(try rows(quoteThenBad), [bad(1, .textAfterClosingQuote), ok(2, "ok")])
        XCTAssertEqual(try rows(Array("é,".utf8) + [0xFF, 0x41] + Array(",ü\n".utf8)), [bad(1, .invalidUTF8(field: 2))])
        let nul = Array("a,b\nc,".utf8) + [0] + Array("d\n\"e\u{0}\"\nf\n".utf8)
        XCTAssertEqual(try rows(nul), [ok(1, "a", "b"), bad(2, .nulByte), bad(3, .nulByte), ok(4, "f")])
    }

    func testNonASCIITextSurvivesChunkBoundariesInsideCharacters() throws {
        XCTAssertEqual(try rows("zoë@example.net,Zoë Ångström,🚀\n"), [ok(1, "zoë@example.net", "Zoë Ångström", "🚀")])
    }

    func testAHugeRecordIsCappedAndTheNextOneRead() throws {
        let url = directory.url.appendingPathComponent("huge.csv")
        var data = Data(repeating: 0x61, count: 3 * 1024 * 1024)
        data += Data("\nx,y\n\"".utf8) + Data(repeating: 0x62, count: 2 * 1024 * 1024) + Data("\"\nz\n".utf8)
        try data.write(to: url)
        let reader = try CSVReader(url: url, path: "huge.csv")
        var records: [Row] = []
        while let row = try reader.next() { records.append(row) }
        let limit = CSVReader.recordByteLimit
        XCTAssertEqual(records, [bad(1, .recordTooLong(limit: limit)), ok(2, "x", "y"), bad(3, .recordTooLong(limit: limit)),
                              ok(4, "z")])
        let commas = String(repeating: ",", count: CSVReader.fieldCountLimit + 5) + "\nq\n"
        XCTAssertEqual(try rows(Array(commas.utf8)).map { try? $0.get().fields }, [nil, ["q"]])
    }

    func testArbitraryBytesNeverCrashAndChunkingAgrees() throws {
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func random() -> UInt64 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return seed >> 33
        }
        let alphabet: [UInt8] = [0x22, 0x2C, 0x0A, 0x0D, 0x00, 0x61, 0xC3, 0xA9, 0xEF, 0xBB, 0xBF, 0xFF, 0x20]
        for _ in 0..<60 {
            let count = Int(random() % 300)
            let bytes = (0..<count).map { _ in
                random() % 3 == 0 ? UInt8(truncatingIfNeeded: random()) : alphabet[Int(random() % UInt64(alphabet.count))]
            }
            let result = try rows(bytes)
            var previous = 0
            for row in result {
                let line = (try? row.get().line) ?? { if case .failure(let error) = row { return error.line }; return 0 }()
                XCTAssertGreaterThan(line, previous, "lines increase")
                previous = line
            }
        }
    }

    /// Mostly plain records, which the reader lends from its buffer 8 bytes at a time, with now and then a quote, a
    /// CR, a NUL, a tab, non-ASCII or invalid UTF-8 at every position of a word: read in chunks of 1 byte, every
    /// record goes through the state machine, and the results must be the same.
    func testRecordsLentFromTheBufferAgreeWithTheStateMachine() throws {
        var seed: UInt64 = 0x2545_F491_4F6C_DD1D
        func random(_ below: UInt64) -> UInt64 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (seed >> 33) % below
        }
        let rare: [[UInt8]] = [[0x22], [0x0D], [0x0D, 0x0A], [0x00], [0x09], [0xC3, 0xA9], [0xFF], [0x0A], [0x2C, 0x2C], [0xF0, 0x9F]]
        for _ in 0..<40 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(random(60)) {
                for field in 0..<Int(1 + random(6)) {
                    if field > 0 { bytes.append(0x2C) }
                    for _ in 0..<Int(random(20)) {
                        if random(40) == 0 { bytes += rare[Int(random(UInt64(rare.count)))] } else { bytes.append(UInt8(0x61 + random(26))) }
                    }
                }
                bytes.append(0x0A)
            }
            let result = try rows(bytes)  // the same for every chunk size
            XCTAssertLessThanOrEqual(result.count, bytes.filter { $0 == 0x0A || $0 == 0x0D }.count + 1)
        }
        XCTAssertEqual(try rows("a,b\tc,d\n\ne,\u{e9}\r\nf\rg,h"), [ok(1, "a", "b\tc", "d"), ok(3, "e", "\u{e9}"), ok(4, "f"), ok(5, "g", "h")])
    }

    func testAMissingFileIsADiagnostic() {
        XCTAssertThrowsError(try CSVReader(url: directory.url.appendingPathComponent("nope.csv"), path: "nope.csv")) { error in
            XCTAssertEqual((error as? DiagnosticError)?.diagnostics.first?.location?.path, "nope.csv")
        }
    }
}
