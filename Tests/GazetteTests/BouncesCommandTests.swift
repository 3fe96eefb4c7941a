// `gazette bounces import` as users run it, on a copy of the minimal fixture project: what lands in
// subscribers/suppressed.csv and logs/bounces.jsonl, a second import changing nothing, --dry-run, the soft-bounce
// limit, and bad input (binary, empty, truncated, missing, an oversized message in a large mbox).
import Foundation
import GazetteTestSupport
import XCTest

final class BouncesCommandTests: XCTestCase {
    var project: TemporaryDirectory!
    static let corpus = TestPaths.corpora.appendingPathComponent("bounces")

    override func setUpWithError() throws {
        try TestPaths.requireCorpus(Self.corpus)
        project = try TemporaryDirectory("bounces")
        addTeardownBlock { [project] in project?.remove() }
        try project.copy(from: TestPaths.fixtures.appendingPathComponent("projects/minimal"))
    }

    func gazette(_ arguments: String...) throws -> GazetteBinary.Run {
        try GazetteBinary.run(arguments, in: project.url)
    }

    func corpusFile(_ path: String) throws -> Data { try Data(contentsOf: Self.corpus.appendingPathComponent(path)) }

    /// A soft bounce (mailbox full) for `address`, dated `day` of January 2026.
    static func softBounce(_ address: String, day: Int) -> String {
        """
        From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
        To: news@fixture.example.org
        Subject: Undelivered Mail Returned to Sender
        Date: \(day) Jan 2026 10:00:00 +0000
        Message-ID: <soft-\(day)@mx.example.net>

        <\(address)>: host mx.example.net said: 552 5.2.2 Mailbox full (in reply to RCPT TO)

        """
    }

    func suppressedRows() throws -> [String] {
        try project.read("subscribers/suppressed.csv").split(separator: "\n").dropFirst().map(String.init)
    }

    func testImportSuppressesHardBouncesAndComplaintsAndCountsSoftOnes() throws {
        try project.write("email,reason,date,detail\n", to: "subscribers/suppressed.csv")  // the header with detail
        try project.write(try corpusFile("enmime-dsn/dsn_with_multipart_alternative.raw"), to: "inbox/new/1.hard")
        try project.write(try corpusFile("sisimai/bsd/arf-01.eml"), to: "inbox/new/2.complaint")
        try project.write(Self.softBounce("cy@example.org", day: 2), to: "inbox/cur/3.soft:2,S")
        try project.write(try corpusFile("sisimai/bsd/rfc3834-01.eml"), to: "inbox/cur/4.vacation:2,S")
        let run = try gazette("bounces", "import", "inbox")
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("4 messages: 1 hard, 1 soft, 1 complaints, 1 not bounces, 0 skipped; suppressed 2"), run.stdout)
        XCTAssertTrue(run.stdout.contains("inbox/new/1.hard: non-existing@example.com: hard (5.1.10"), run.stdout)
        let rows = try suppressedRows()
        XCTAssertEqual(rows.count, 2, "\(rows)")
        XCTAssertTrue(rows[0].hasPrefix("non-existing@example.com,hard-bounce,") && rows[0].contains(",5.1.10"), rows[0])
        XCTAssertTrue(rows[1].hasPrefix("redacted@example.net,complaint,") && rows[1].hasSuffix(",abuse"), rows[1])
        let ledger = try project.read("logs/bounces.jsonl").split(separator: "\n")
        XCTAssertEqual(ledger.count, 3)
        XCTAssertTrue(ledger[2].contains("\"class\":\"soft\"") && ledger[2].contains("\"email\":\"cy@example.org\""), String(ledger[2]))

        // The same messages again: nothing changes.
        let before = try project.read("subscribers/suppressed.csv") + project.read("logs/bounces.jsonl")
        let again = try gazette("bounces", "import", "inbox")
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("suppressed 0, 3 seen before"), again.stdout)
        XCTAssertEqual(try project.read("subscribers/suppressed.csv") + project.read("logs/bounces.jsonl"), before)
    }

    func testDryRunWritesNothingAndJSONCounts() throws {
        try project.write(try corpusFile("enmime-dsn/multi_recipient_dsn.raw"), to: "multi.eml")
        let suppressed = try project.read("subscribers/suppressed.csv")
        let run = try gazette("bounces", "import", "multi.eml", "--dry-run", "--format", "json")
        XCTAssertEqual(run.status, 0, run.stderr)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let counts = try XCTUnwrap(object["counts"] as? [String: Int])
        XCTAssertEqual(counts["hard"], 1)
        XCTAssertEqual(counts["soft"], 2)  // the third's bare "550 user unknown" (5.0.0, no command) is soft
        XCTAssertEqual(counts["suppressed"], 1)
        let records = try XCTUnwrap(object["records"] as? [[String: Any]])
        XCTAssertEqual(records.compactMap { $0["email"] as? String }, ["arathib@vnet.ibm.com", "johnh@hpnjld.njd.hp.com", "wsnell@sdcc13.ucsd.edu"])
        XCTAssertEqual(try project.read("subscribers/suppressed.csv"), suppressed)
        XCTAssertFalse(FileManager.default.fileExists(atPath: project.url.appendingPathComponent("logs/bounces.jsonl").path))
    }

    func testSoftBouncesSuppressAfterTheLimitWithinTheWindow() throws {
        try project.write("email,reason,date,detail\n", to: "subscribers/suppressed.csv")
        // Days 1 and 20 and 25: three within 30 days of the 25th. Day 1 again for someone else, long ago.
        try project.write(Self.softBounce("dee@example.org", day: 1), to: "soft/a.eml")
        try project.write(Self.softBounce("dee@example.org", day: 20), to: "soft/b.eml")
        var run = try gazette("bounces", "import", "soft")
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try suppressedRows(), [])
        XCTAssertTrue(run.stdout.contains("2 in 30 days) → counted"), run.stdout)

        // A limit of 4 is not reached by the third; the default 3 is.
        try project.write(Self.softBounce("dee@example.org", day: 25), to: "soft/c.eml")
        run = try gazette("bounces", "import", "soft/c.eml", "--soft-limit", "4", "--dry-run")
        XCTAssertTrue(run.stdout.contains("would suppress 0"), run.stdout)
        run = try gazette("bounces", "import", "soft/c.eml", "--soft-window", "10")
        XCTAssertTrue(run.stdout.contains("2 in 10 days) → counted"), run.stdout)
        XCTAssertEqual(try suppressedRows(), [])
        try project.write(Self.softBounce("dee@example.org", day: 26), to: "soft/d.eml")
        run = try gazette("bounces", "import", "soft/d.eml")
        XCTAssertEqual(run.status, 0, run.stderr)
        let rows = try suppressedRows()
        XCTAssertEqual(rows.count, 1)
        XCTAssertTrue(rows[0] == "dee@example.org,hard-bounce,2026-01-26,4 soft bounces in 30 days (last 5.2.2)", rows[0])
    }

    /// Bounces that arrive out of date order count as they are dated: the first import suppresses, and a second
    /// import of the same messages changes nothing.
    func testSoftBouncesOutOfDateOrderSuppressAtTheFirstImport() throws {
        try project.write("email,reason,date,detail\n", to: "subscribers/suppressed.csv")
        try project.write(Self.softBounce("dee@example.org", day: 1), to: "soft/a.eml")
        try project.write(Self.softBounce("dee@example.org", day: 20), to: "soft/b.eml")
        try project.write(Self.softBounce("dee@example.org", day: 10), to: "soft/c.eml")
        let run = try gazette("bounces", "import", "soft/a.eml", "soft/b.eml", "soft/c.eml")
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("3 in 30 days) → suppressed"), run.stdout)
        let rows = try suppressedRows()
        XCTAssertEqual(rows, ["dee@example.org,hard-bounce,2026-01-10,3 soft bounces in 30 days (last 5.2.2)"])
        let before = try project.read("subscribers/suppressed.csv") + project.read("logs/bounces.jsonl")
        let again = try gazette("bounces", "import", "soft/c.eml", "soft/b.eml", "soft/a.eml")
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("suppressed 0, 3 seen before"), again.stdout)
        XCTAssertEqual(try project.read("subscribers/suppressed.csv") + project.read("logs/bounces.jsonl"), before)
    }

    func testTheSoftBounceRuleComesFromGazetteYMLAndFlagsOverrideIt() throws {
        try project.write("email,reason,date,detail\n", to: "subscribers/suppressed.csv")
        let yml = try project.read("gazette.yml")
        try project.write(yml + "\nbounces:\n  soft_limit: 2\n  soft_window_days: 10\n", to: "gazette.yml")
        try project.write(Self.softBounce("dee@example.org", day: 1), to: "soft/a.eml")
        try project.write(Self.softBounce("dee@example.org", day: 9), to: "soft/b.eml")
        var run = try gazette("bounces", "import", "soft", "--dry-run", "--soft-limit", "3")
        XCTAssertTrue(run.stdout.contains("2 in 10 days) → counted"), run.stdout)
        XCTAssertTrue(run.stdout.contains("would suppress 0"), "--soft-limit wins over the file: \(run.stdout)")
        run = try gazette("bounces", "import", "soft")
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("2 in 10 days) → suppressed"), run.stdout)
        XCTAssertEqual(try suppressedRows(), ["dee@example.org,hard-bounce,2026-01-09,2 soft bounces in 10 days (last 5.2.2)"])

        try project.write(yml + "\nbounces:\n  soft_limit: -1\n", to: "gazette.yml")
        run = try gazette("bounces", "import", "soft")
        XCTAssertEqual(run.status, 1)
        let line = yml.split(separator: "\n", omittingEmptySubsequences: false).count + 2
        XCTAssertTrue(run.stderr.contains("gazette.yml:\(line):15: error: `bounces.soft_limit` is -1; it must be 1 or more"), run.stderr)
    }

    func testBadInputIsSkippedAndCountedNeverFatal() throws {
        try project.write(Data([0x7F, 0x45, 0x4C, 0x46, 0, 0, 0, 1, 2, 3, 0xFF, 0xFE]), to: "bad/binary.eml")
        try project.write("", to: "bad/empty.eml")
        try project.write("just words, no header\n", to: "bad/notes.txt")
        let dsn = try corpusFile("enmime-dsn/simple_dsn.raw")
        try project.write(dsn.prefix(dsn.count / 3), to: "bad/truncated.eml")
        let run = try gazette("bounces", "import", "bad")
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("4 messages:"), run.stdout)
        XCTAssertTrue(run.stdout.contains("3 skipped"), run.stdout)
        XCTAssertTrue(run.stderr.contains("bad/binary.eml: warning: bad/binary.eml: binary data, not a message"), run.stderr)
        XCTAssertTrue(run.stderr.contains("hint: only email messages"), run.stderr)
        XCTAssertEqual(try suppressedRows(), [])

        // A missing path after a good one: an error, and the good one is not imported either.
        try project.write(try corpusFile("enmime-dsn/dsn_with_multipart_alternative.raw"), to: "good.eml")
        let ledger = try? project.read("logs/bounces.jsonl")
        let missing = try gazette("bounces", "import", "good.eml", "nowhere.mbox")
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("error: no such file or folder: nowhere.mbox"), missing.stderr)
        XCTAssertTrue(missing.stderr.contains("hint: give .eml files, Maildir folders or mbox files; nothing was imported"), missing.stderr)
        XCTAssertEqual(try suppressedRows(), [])
        XCTAssertEqual(try? project.read("logs/bounces.jsonl"), ledger)
        XCTAssertEqual(try gazette("bounces", "import", "bad", "--soft-limit", "0").status, 2)
    }

    func testHelpHasAnExample() throws {
        let run = try gazette("bounces", "import", "--help")
        XCTAssertEqual(run.status, 0)
        XCTAssertTrue(run.stdout.contains("gazette bounces import ~/Maildir/.Bounces"), run.stdout)
        XCTAssertTrue(run.stdout.contains("--soft-limit"), run.stdout)
        XCTAssertTrue(try gazette("--help").stdout.contains("bounces"))
    }

    func testLargeMboxIsStreamedAndAnOversizedMessageSkipped() throws {
        // 2 bounces around a 40 MB message: about 40 MB in all, read in 1 MB chunks.
        var mbox = Data("From MAILER-DAEMON Thu Jan  1 00:00:00 2026\n".utf8) + Data(Self.softBounce("eve@example.org", day: 3).utf8)
        mbox += Data("\nFrom someone Thu Jan  1 00:00:00 2026\nFrom: a@example.org\nSubject: big\n\n".utf8)
        let line = Data((String(repeating: "x", count: 99) + "\n").utf8)
        var big = Data()
        big.reserveCapacity(40 * 1024 * 1024)
        for _ in 0..<(400 * 1024) { big += line }
        mbox += big
        mbox += Data("\nFrom MAILER-DAEMON Thu Jan  1 00:00:00 2026\n".utf8) + (try corpusFile("enmime-dsn/dsn_with_multipart_alternative.raw"))
        try project.write(mbox, to: "big.mbox")
        let run = try gazette("bounces", "import", "big.mbox")
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("3 messages: 1 hard, 1 soft"), run.stdout)
        XCTAssertTrue(run.stdout.contains("1 skipped"), run.stdout)
        XCTAssertTrue(run.stderr.contains("big.mbox#2: warning: big.mbox#2 has 40960035 bytes"), run.stderr)
        XCTAssertTrue(run.stdout.contains("big.mbox#3: non-existing@example.com: hard"), run.stdout)
    }
}
