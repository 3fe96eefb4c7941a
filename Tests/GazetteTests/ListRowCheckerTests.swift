// Validate's row checks on bytes against the slow path they stand for (ListAddress.clean, ListAddressLint,
// AddressKey), and the dedupe table that keeps keys whole.
import Foundation
import XCTest
@testable import Gazette

final class ListRowCheckerTests: XCTestCase {
    static let samples = [
        "a@b", "A.B@Example.ORG", "a+tag@x-y.example", ".a@x.org", "a.@x.org", "a..b@x.org", "a@x..org", "a@-x.org", "a@x-.org",
        "a@x.org.", "a@.x.org", "a b@x.org", "a@x_y.org", "\"q\"@x.org", "a@[127.0.0.1]", String(repeating: "l", count: 64) + "@x.org",
        String(repeating: "l", count: 65) + "@x.org", "a@" + String(repeating: "d", count: 63) + ".org",
        "a@" + String(repeating: "d", count: 64) + ".org", "!#$%&'*/=?^_`{|}~-@x.org", "a@b@c.org", "a,b@x.org", "Zoë@Bücher.Example",
        "ann@Bücher.example", "ANN@xn--bcher-kva.example", "ann@Ébc.example", "ann@xn--bc-9ia.example", "Postmaster+x@example.org",
        "NoReply@example.org", "ann@gmial.com", "ann@GMIAL.COM", "ann@", "@x.org", "a@b.c@d.org", "ann@xn--bc-9ia.EXAMPLE",
    ]

    /// What validate says of `email` as the only row of a fresh checker, and whether the row counts.
    func check(_ emails: [String]) -> (findings: [String], kept: [Bool]) {
        var checker = ListRowChecker()
        var finder = ListDuplicateFinder()
        checker.startList(index: 0, dateColumn: nil)
        finder.startList(path: "subscribers/main.csv", expectedRows: 1)
        var diagnostics: [Diagnostic] = []
        var kept: [Bool] = []
        for (index, email) in emails.enumerated() {
            var copy = email
            var batch = ListRowBatch()
            copy.withUTF8 { bytes in
                [0].withUnsafeBufferPointer { starts in
                    [bytes.count].withUnsafeBufferPointer { ends in
                        guard let base = bytes.baseAddress, let s = starts.baseAddress, let e = ends.baseAddress else { return }
                        let record = CSVRawRecord(line: index + 2, count: 1, bytes: base, starts: s, ends: e)
                        let usable = checker.check(record, email: bytes, location: { SourceLocation(path: "subscribers/main.csv", line: index + 2) },
                                                   into: &batch)
                        XCTAssertEqual(batch.rows.count, usable ? 1 : 0)
                    }
                }
            }
            kept.append(finder.finish(batch, into: &diagnostics) == 1)
        }
        return (diagnostics.map { "\($0.location?.line ?? 0) \($0.code): \($0.message)" }, kept)
    }

    /// The slow path's findings for one address: ListAddress.clean, then ListAddressLint.
    func slowFindings(_ email: String, line: Int) -> [String] {
        switch ListAddress.clean(email) {
        case .failure(let problem): return ["\(line) address-invalid: \(problem.message)"]
        case .success(let address):
            var lint = ListAddressLint()
            return lint.warnings(for: address, at: SourceLocation(path: "subscribers/main.csv", line: line)).map { "\(line) \($0.code): \($0.message)" }
        }
    }

    func testEachAddressGetsTheSlowPathsFindings() {
        for sample in Self.samples {
            let result = check([sample])
            XCTAssertEqual(result.findings, slowFindings(sample, line: 2), sample)
            XCTAssertEqual(result.kept, [(try? ListAddress.clean(sample).get()) != nil], sample)
        }
    }

    func testDuplicatesAreExactlyTheAddressesWithOneKey() {
        // Every sample, then each again in upper case: a row is a duplicate exactly when an earlier row's cleaned
        // address has its AddressKey, whichever path (bytes or ListAddress.clean) each row took.
        let rows = Self.samples + Self.samples.map { $0.uppercased() }
        var seen = Set<String>()
        let expected = rows.map { row -> Bool in
            guard let address = try? ListAddress.clean(row).get() else { return false }
            return seen.insert(AddressKey(address).normalized).inserted
        }
        let result = check(rows)
        XCTAssertEqual(result.kept, expected)
        XCTAssertTrue(result.findings.contains { $0.contains("address-duplicate: ann@xn--bc-9ia.example is already on line 27") },
                      "an IDN domain read by DomainName and its A-label form are one address:\n" + result.findings.joined(separator: "\n"))
    }

    func testTheTableKeepsKeysWholeThroughGrowth() {
        let table = ByteKeyTable(capacity: 1)
        var keys: [[UInt8]] = [[], [0], [0, 0], [0x61], [0x61, 0], [0, 0x61], Array("12345678".utf8), Array("123456789".utf8),
                               Array("12345670".utf8), Array("1234567\u{0}".utf8)]
        keys += (0..<20_000).map { Array("person\($0)@example.org".utf8) }
        for (index, key) in keys.enumerated() {
            XCTAssertEqual(key.withUnsafeBufferPointer { table.insertIfAbsent($0, UInt64(index)) }, UInt64(index), "new: \(key)")
        }
        XCTAssertEqual(table.count, keys.count)
        for (index, key) in keys.enumerated() {
            XCTAssertEqual(key.withUnsafeBufferPointer { table.insertIfAbsent($0, 999_999) }, UInt64(index))
            XCTAssertEqual(key.withUnsafeBufferPointer { table.value(for: $0) }, UInt64(index))
        }
        XCTAssertNil(Array("person20000@example.org".utf8).withUnsafeBufferPointer { table.value(for: $0) })
        XCTAssertEqual(table.count, keys.count)
    }
}

/// Validate with its duplicate checks batched, and its reading on a thread of its own, gives what it gives row by
/// row on one thread: the same findings, in the same order, and the same counts, on two lists with every kind of
/// finding between the duplicates (and a list that cannot be read between them).
final class ListValidationBatchTests: XCTestCase {
    func testBatchSizeChangesNoFinding() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("gazette-batch-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("subscribers"), withIntermediateDirectories: true)
        func list(_ name: String, seed: Int) -> String {
            var rows = ["email,name,subscribed_at"]
            for index in 0..<500 {
                switch (index * 7 + seed) % 11 {
                case 0: rows.append("Person\(index / 3)@Example.ORG,\"Dup, \(index)\",2026-01-01")  // duplicates, some across lists
                case 1: rows.append("broken \(index),x,2026-01-01")
                case 2: rows.append("postmaster@example.org,role,not-a-date")
                case 3: rows.append("ann\(index % 5)@gmial.com,typo,")
                case 4: rows.append("only-one-field\(index)@example.org")  // ragged: a problem row from the reader
                case 5: rows.append("zoë\(index % 4)@bücher.example,idn,2026-02-02")
                default: rows.append("person\(index / 2)@example.org,p,2026-03-03")
                }
            }
            return rows.joined(separator: "\n") + "\n"
        }
        try list("main", seed: 0).write(to: root.appendingPathComponent("subscribers/main.csv"), atomically: true, encoding: .utf8)
        try "".write(to: root.appendingPathComponent("subscribers/middle.csv"), atomically: true, encoding: .utf8)
        try list("weekly", seed: 3).write(to: root.appendingPathComponent("subscribers/weekly.csv"), atomically: true, encoding: .utf8)
        try "email,reason,date,detail\n".write(to: root.appendingPathComponent("subscribers/suppressed.csv"), atomically: true, encoding: .utf8)

        func run(batchSize: Int, thread: Bool) throws -> (findings: [String], counts: [String]) {
            var validation = ListValidation(root: root)
            validation.batchSize = batchSize
            validation.readsOnItsOwnThread = thread
            let report = try validation.run()
            return (report.diagnostics.map { "\($0.code) \($0)" }, report.lists.map { "\($0.name) \($0.rows) \($0.valid)" })
        }
        let rowByRow = try run(batchSize: 1, thread: false)
        XCTAssertTrue(rowByRow.findings.contains { $0.hasPrefix("address-duplicate-across-lists ") }, rowByRow.findings.joined(separator: "\n"))
        XCTAssertTrue(rowByRow.findings.contains { $0.hasPrefix("address-duplicate ") })
        XCTAssertTrue(rowByRow.findings.contains { $0.hasPrefix("subscriber-row-columns ") })
        XCTAssertEqual(rowByRow.counts.count, 3)
        // The unreadable list between the two still has its number: weekly's duplicates name main's file.
        XCTAssertTrue(rowByRow.findings.contains { $0.hasPrefix("address-duplicate-across-lists subscribers/weekly.csv:") && $0.contains("is already on subscribers/main.csv:") })
        XCTAssertTrue(rowByRow.findings.contains { $0.hasPrefix("list-header-missing subscribers/middle.csv") }, rowByRow.findings.joined(separator: "\n"))
        for batchSize in [1, 2, 7, 32, 1000] {
            for thread in [false, true] {
                let batched = try run(batchSize: batchSize, thread: thread)
                XCTAssertEqual(batched.counts, rowByRow.counts, "batch size \(batchSize), thread \(thread)")
                XCTAssertEqual(batched.findings, rowByRow.findings, "batch size \(batchSize), thread \(thread)")
            }
        }
    }
}
