import GazetteTestSupport
import XCTest
@testable import Gazette

final class AudienceTests: XCTestCase {
    var directory: TemporaryDirectory!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory("audience")
        addTeardownBlock { [directory] in directory?.remove() }
    }

    /// Each entry as "kind address", in order.
    func entries(_ audience: Audience, skipping: ((UInt64) -> Bool)? = nil) throws -> [String] {
        var result: [String] = []
        let reader = try audience.forEach(skipping: skipping) { entry in
            switch entry {
            case .recipient(let subscriber): result.append("recipient \(subscriber.email)")
            case .duplicate(let subscriber): result.append("duplicate \(subscriber.email)")
            case .suppressed(let subscriber): result.append("suppressed \(subscriber.email)")
            case .skipped(let subscriber): result.append("skipped \(subscriber.email)")
            case .otherShard: result.append("otherShard")
            case .outsideSegment(let subscriber): result.append("outsideSegment \(subscriber.email)")
            case .rowProblem(let problem): result.append("problem \(problem.location?.description ?? "")")
            }
        }
        XCTAssertEqual(reader.counts.total, result.count)
        return result
    }

    func diagnostic(_ body: () throws -> Void) -> Diagnostic? {
        do { try body() } catch let error as DiagnosticError { return error.diagnostics.first } catch { return nil }
        return nil
    }

    func testTheRepositorysExampleSubscribers() throws {
        try FileManager.default.copyItem(at: TestPaths.packageRoot.appendingPathComponent("subscribers"),
                                         to: directory.url.appendingPathComponent("subscribers"))
        let audience = try Audience(root: directory.url, lists: nil)
        XCTAssertEqual(audience.lists.map(\.path), ["subscribers/main.csv"])
        let reader = try audience.forEach { _ in }
        XCTAssertEqual(reader.counts.recipients, 8)
        XCTAssertEqual(reader.counts.suppressed, 1, "old-address@example.com unsubscribed")
        XCTAssertEqual(reader.counts.total, 9)
        XCTAssertEqual(reader.files.map(\.path), ["subscribers/main.csv"])
        XCTAssertEqual(audience.estimatedRows, 9)
    }

    func testDuplicatesAcrossListsFirstRowWinsInTheOrderGiven() throws {
        try directory.write("email,name\nann@example.org,Ann\nbob@example.org,Bob\nANN@Example.org,Ann again\n",
                            to: "subscribers/main.csv")
        try directory.write("name,email\nBob P,  Bob@EXAMPLE.org \nCy,cy@example.org\n", to: "subscribers/partners.csv")
        XCTAssertEqual(try entries(Audience(root: directory.url, lists: ["main", "partners"])), [
            "recipient ann@example.org", "recipient bob@example.org", "duplicate ANN@Example.org",
            "duplicate Bob@EXAMPLE.org", "recipient cy@example.org",
        ])
        var first: Subscriber?
        try Audience(root: directory.url, lists: ["partners.csv", "main", "partners"]).forEach { entry in
            if case .recipient(let subscriber) = entry, first == nil { first = subscriber }
        }
        XCTAssertEqual(first?.fields, ["email": "Bob@EXAMPLE.org", "name": "Bob P"], "partners first: its row wins")
        XCTAssertEqual(first?.location, SourceLocation(path: "subscribers/partners.csv", line: 2))
    }

    func testSuppressionWinsAndItsBadRowsAreReported() throws {
        try directory.write("email,name\nann@example.org,Ann\nbob@example.org,Bob\nbob@example.org,Bob\n", to: "subscribers/main.csv")
        try directory.write("email,reason,date\n BOB@example.org ,bounced,2026-01-02\n\"broken\n", to: "subscribers/suppressed.csv")
        XCTAssertEqual(try entries(Audience(root: directory.url, lists: nil)), [
            "problem subscribers/suppressed.csv:3", "recipient ann@example.org", "suppressed bob@example.org",
            "duplicate bob@example.org",
        ])
    }

    func testListNamesThatAreNoListsAreDiagnostics() throws {
        try directory.write("email\n", to: "subscribers/main.csv")
        try directory.write("email\n", to: "subscribers/partners.csv")
        try directory.write("email,reason,date\n", to: "subscribers/suppressed.csv")
        let origin = SourceLocation(path: "content/issues/001-x.md")
        let unknown = diagnostic { _ = try Audience(root: directory.url, lists: ["main", "friends"], origin: origin) }
        XCTAssertEqual(unknown?.code, "list-unknown")
        XCTAssertEqual(unknown?.hint, "known lists: main, partners")
        XCTAssertEqual(unknown?.location, origin)
        XCTAssertEqual(diagnostic { _ = try Audience(root: directory.url, lists: ["suppressed"]) }?.code, "list-unknown")
        XCTAssertEqual(diagnostic { _ = try Audience(root: directory.url, lists: ["../gazette"]) }?.code, "list-unknown")
        XCTAssertEqual(diagnostic { _ = try Audience(root: directory.url, lists: []) }?.code, "list-none")
        XCTAssertEqual(try Audience(root: directory.url, lists: nil).lists.map(\.name), ["main", "partners"])
        let empty = try TemporaryDirectory("audience-empty")
        defer { empty.remove() }
        XCTAssertEqual(diagnostic { _ = try Audience(root: empty.url, lists: nil) }?.code, "list-none")
    }

    func testAFrozenCopyIsReadInsteadOfTheList() throws {
        try directory.write("email\nnew@example.org\n", to: "subscribers/main.csv")
        let copy = try directory.write("email\nold@example.org\n", to: "logs/001.lists/main.csv")
        let audience = try Audience(root: directory.url, lists: ["main"], files: ["main": copy])
        XCTAssertEqual(try entries(audience), ["recipient old@example.org"])
        XCTAssertEqual(audience.lists.first?.path, "logs/001.lists/main.csv")
        XCTAssertEqual(audience.lists.first?.name, "main")
    }

    func testShardsPartitionTheAudienceExactly() throws {
        var text = "email,name\n"
        for index in 0..<3000 { text += "person\(index % 2500)@example\(index % 2500 % 7).org,P\(index)\n" }
        try directory.write(text, to: "subscribers/main.csv")
        let whole = Set(try entries(Audience(root: directory.url, lists: nil)).filter { $0.hasPrefix("recipient") })
        XCTAssertEqual(whole.count, 2500)
        for count in 1...5 {
            var union = Set<String>(), total = 0
            for index in 1...count {
                let shard = try XCTUnwrap(Shard(index: index, count: count))
                let part = try entries(Audience(root: directory.url, lists: nil, shard: shard))
                let recipients = part.filter { $0.hasPrefix("recipient") }
                XCTAssertEqual(part.filter { $0.hasPrefix("duplicate") }.count + recipients.count + part.filter { $0 == "otherShard" }.count, 3000)
                if count > 1 {
                    XCTAssertGreaterThan(recipients.count, 2500 / count * 8 / 10, "shard \(shard) is roughly even")
                }
                total += recipients.count
                union.formUnion(recipients)
            }
            XCTAssertEqual(total, 2500, "no address in two of \(count) shards")
            XCTAssertEqual(union, whole, "every address in one of \(count) shards")
        }
    }

    func testShardParsing() throws {
        XCTAssertEqual(try Shard(parsing: "2/4"), Shard(index: 2, count: 4))
        XCTAssertEqual(try Shard(parsing: " 1 / 1 ").description, "1/1")
        for text in ["0/4", "5/4", "x", "1/0", "2/", "/4", "1/2/3", "-1/4", ""] {
            XCTAssertThrowsError(try Shard(parsing: text), text) { error in
                XCTAssertEqual((error as? DiagnosticError)?.diagnostics.first?.code, "shard-invalid")
            }
        }
        XCTAssertNil(Shard(index: 3, count: 2))
        // Pinned: a change here would move addresses between the CI jobs of a publish already under way.
        XCTAssertEqual(AddressKey("ann@example.org").hash64, 0xf027_bb09_55c5_1646)
        XCTAssertEqual((1...5).map { Shard.part(of: AddressKey("bob@example.org").hash64, count: $0) }, [0, 1, 1, 2, 2])
    }

    func testAddressKeysAreNormalisedAndTheirHashIsFNV1a() {
        XCTAssertEqual(AddressKey.hash64(""), 0xcbf2_9ce4_8422_2325)
        XCTAssertEqual(AddressKey.hash64("a"), 0xaf63_dc4c_8601_ec8c)
        XCTAssertEqual(AddressKey.hash64("foobar"), 0x8594_4171_f739_67e8)
        XCTAssertEqual(AddressKey.normalize("  Ann.Lee@Example.ORG\t"), "ann.lee@example.org")
        XCTAssertEqual(AddressKey.normalize("\u{00A0}ZOË@Bücher.DE "), "zoë@bücher.de")
        XCTAssertEqual(AddressKey("Ann@Example.org"), AddressKey("ann@example.org "))
        XCTAssertEqual(AddressKey("x@y").hash64, AddressKey.hash64("x@y"))
    }

    func testSkipPredicateGetsTheKeysHash() throws {
        try directory.write("email\nann@example.org\nbob@example.org\nANN@example.org\n", to: "subscribers/main.csv")
        try directory.write("email,reason,date\nbob@example.org,x,y\n", to: "subscribers/suppressed.csv")
        let done: Set<UInt64> = [AddressKey("ann@example.org").hash64, AddressKey("bob@example.org").hash64]
        XCTAssertEqual(try entries(Audience(root: directory.url, lists: nil), skipping: { done.contains($0) }),
                       ["skipped ann@example.org", "suppressed bob@example.org", "duplicate ANN@example.org"])
    }

    func testAppendToTheSuppressionListThenReadItBack() throws {
        try directory.write("email\nann@example.org\nbob@example.org\ncy@example.org\n", to: "subscribers/main.csv")
        let suppression = try SuppressionList(root: directory.url)
        XCTAssertEqual(suppression.count, 0, "a missing file is an empty list")
        try suppression.append(address: " Bob@Example.org", reason: "bounce 550 5.1.1, \"no such user\"", date: "2026-11-02")
        XCTAssertTrue(suppression.contains(address: "bob@example.org"))
        XCTAssertEqual(try directory.read("subscribers/suppressed.csv"),
                       "email,reason,date,detail\nBob@Example.org,\"bounce 550 5.1.1, \"\"no such user\"\"\",2026-11-02,\n")
        // A file with the old header (no detail column) gets rows of three fields, so it stays readable.
        try directory.write("email,reason,date\nbob@example.org,unsubscribed,2026-01-01", to: "subscribers/suppressed.csv")
        try suppression.append(address: "cy@example.org", reason: "=HYPERLINK(\"x\")\nmore")
        let text = try directory.read("subscribers/suppressed.csv")
        XCTAssertTrue(text.hasPrefix("email,reason,date\nbob@example.org,unsubscribed,2026-01-01\ncy@example.org,\"'=HYPERLINK("),
                      text)
        XCTAssertTrue(text.hasSuffix(",\(SuppressionList.day(of: Date()))\n"), text)
        XCTAssertThrowsError(try suppression.append(address: "a@b\r\nBcc: x@y", reason: "no"))
        XCTAssertEqual(try SuppressionList(root: directory.url).count, 2)
        XCTAssertEqual(try entries(Audience(root: directory.url, lists: nil)),
                       ["recipient ann@example.org", "suppressed bob@example.org", "suppressed cy@example.org"])
        XCTAssertEqual(SuppressionList.day(of: Date(timeIntervalSince1970: 86_400 * 365)), "1971-01-01")
    }

    func testDigesterSeesEveryByteAndTinyChunksChangeNothing() throws {
        var text = "\u{FEFF}email,name\r\n"
        for index in 0..<400 { text += "p\(index % 350)@example.org,\"Name, \(index)\"\r\n" }
        try directory.write(text, to: "subscribers/main.csv")
        try directory.write("email,reason,date\np7@example.org,x,y\n", to: "subscribers/suppressed.csv")
        var audience = try Audience(root: directory.url, lists: nil, digester: { ByteCollector() })
        let whole = try entries(audience)
        XCTAssertEqual(try audience.fingerprint(), [AudienceFile(list: "main", path: "subscribers/main.csv",
                                                                 size: text.utf8.count, contentDigest: text)])
        for chunkSize in [1, 2, 7] {
            audience.chunkSize = chunkSize
            XCTAssertEqual(try entries(audience), whole, "chunk size \(chunkSize)")
            let reader = try audience.forEach { _ in }
            XCTAssertEqual(reader.files.first?.contentDigest, text)
            XCTAssertEqual(reader.counts.recipients, 349)
        }
    }

    /// Always on: 20,000 rows in a debug build.
    func testTwentyThousandRows() throws {
        try measureRows(20_000)
    }

    /// `GAZETTE_BENCH=1`: a million rows (about 50 MB), with time and peak memory printed.
    func testAMillionRows() throws {
        guard ProcessInfo.processInfo.environment["GAZETTE_BENCH"] == "1" else {
            throw XCTSkip("set GAZETTE_BENCH=1 to read and deduplicate a generated list of 1,000,000 rows")
        }
        try measureRows(1_000_000)
    }

    func measureRows(_ count: Int) throws {
        let url = directory.url.appendingPathComponent("subscribers/main.csv")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        var chunk = "email,name,joined,plan\n"
        for index in 0..<count {
            // Every 50th row repeats an earlier address in other case; names are quoted and hold commas.
            let address = index % 50 == 49 ? "Subscriber.\(index - 7)@Example.com" : "subscriber.\(index)@example.com"
            chunk += "\(address),\"Reader \(index), Esq.\",2026-01-\(index % 28 + 1),basic\n"
            if chunk.utf8.count > 1 << 16 { try handle.write(contentsOf: Data(chunk.utf8)); chunk = "" }
        }
        try handle.write(contentsOf: Data(chunk.utf8))
        try handle.close()
        let size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? 0

        let peakBefore = Self.peakMemoryKB()
        let start = Date(), startCPU = clock()
        let reader = try Audience(root: directory.url, lists: nil).forEach { _ in }
        let seconds = Date().timeIntervalSince(start), cpuSeconds = Double(clock() - startCPU) / Double(CLOCKS_PER_SEC)
        let peakAfter = Self.peakMemoryKB()
        XCTAssertEqual(reader.counts.duplicates, count / 50)
        XCTAssertEqual(reader.counts.recipients, count - count / 50)
        print("audience: \(count) rows, \(size / 1_000_000) MB in \(String(format: "%.2f", seconds)) s (CPU \(String(format: "%.2f", cpuSeconds)) s); "
              + "peak memory \(peakBefore / 1024) MB before, \(peakAfter / 1024) MB after")
        if peakBefore > 0 {
            // The seen-keys set holds 8 bytes a recipient (with its spare capacity, ~16 MB for a million).
            XCTAssertLessThan(peakAfter - peakBefore, 64 * 1024 + count / 1024 * 32, "memory stays flat")
        }
    }

    /// VmHWM of /proc/self/status in KB (0 where there is none).
    static func peakMemoryKB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
}

/// A digester for tests: its "digest" is the bytes it saw, as text.
final class ByteCollector: ContentDigester {
    var bytes: [UInt8] = []
    func update(_ chunk: UnsafeRawBufferPointer) { bytes += chunk }
    func finalize() -> String { String(decoding: bytes, as: UTF8.self) }
}
