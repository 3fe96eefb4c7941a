// `subscribers sync` as a library: events, a Maildir of mailto unsubscribes and the hard bounces of publish
// logs end up in suppressed.csv once; a second run changes nothing; forged mails and soft failures do not count.
import Foundation
import GazetteTestSupport
import XCTest
@testable import Gazette

final class SuppressionSyncTests: XCTestCase {
    func testFoldsEventsMailsAndLogsOnceAndASecondRunChangesNothing() throws {
        let directory = try TemporaryDirectory("sync")
        addTeardownBlock { directory.remove() }
        try directory.copy(from: TestPaths.fixtures.appendingPathComponent("projects/minimal"))
        let project = try Project(root: directory.url)
        let link = UnsubscribeLink(baseURL: nil, mailto: nil, secret: "s3cret")

        let events = EventsFile(directory: project.url("events"))
        let time = Date(timeIntervalSince1970: 1_764_640_000)
        for (address, form) in [("ada@example.org", UnsubscribeTarget.Form.sealed), ("ada@example.org", .legacy), ("bob@example.org", .legacy)] {
            try events.append(UnsubscribeEvent(target: UnsubscribeTarget(address: address, list: "main", form: form), via: .page, time: time))
        }
        // The Maildir: one valid opaque token, one legacy subject, one forged token, one message that is no request.
        let sealed = try link.sealedToken(address: "carol@example.org", list: "main")
        let legacy = try link.token(address: "dan@example.org", list: "main")
        _ = try directory.write("From: carol@example.org\r\nSubject: unsubscribe\r\n \(sealed)\r\n\r\nbye\r\n", to: "Maildir/new/1.eml")
        _ = try directory.write("Subject: unsubscribe main dan@example.org \(legacy)\n\n", to: "Maildir/cur/2.eml")
        _ = try directory.write("Subject: unsubscribe main eve@example.org \(legacy)\n\n", to: "Maildir/cur/3.eml")
        _ = try directory.write("Subject: Re: your newsletter\n\nI love it\n", to: "Maildir/cur/4.eml")
        try FileManager.default.createDirectory(at: directory.url.appendingPathComponent("Maildir/tmp"), withIntermediateDirectories: true)
        // A publish log: a hard bounce (5.1.1), a soft one (4.2.2) and a policy refusal (5.7.1) that is not about the mailbox.
        _ = try directory.write("""
        {"event":"header","time":"2025-12-01T10:00:00.000Z","version":1,"issue":"001-hello"}
        {"event":"failed","time":"2025-12-01T10:00:01.000Z","address":"gone@example.org","code":550,"enhanced_code":"5.1.1","reply":"no such user"}
        {"event":"deferred","time":"2025-12-01T10:00:02.000Z","address":"full@example.org","code":452,"enhanced_code":"4.2.2","reply":"full"}
        {"event":"failed","time":"2025-12-01T10:00:03.000Z","address":"policy@example.org","code":550,"enhanced_code":"5.7.1","reply":"spam"}

        """, to: "logs/001-hello.jsonl")

        let sync = SuppressionSync(project: project, link: link)
        let first = try sync.run(sources: [project.url("events"), project.url("Maildir")])
        XCTAssertEqual(first.changes.map(\.email), ["ada@example.org", "bob@example.org", "carol@example.org", "dan@example.org", "gone@example.org"])
        XCTAssertEqual(first.changes.last?.reason, "hard-bounce")
        XCTAssertEqual(first.changes.last?.detail, "550 5.1.1")
        XCTAssertEqual(first.changes.first?.source, "events/2025-12-02.jsonl:1")
        XCTAssertEqual(first.changes.first?.date, "2025-12-02")
        XCTAssertEqual(first.ignoredMessages, 2, "the forged token and the reply")
        XCTAssertEqual(first.unchanged, 1, "ada twice")
        let suppressed = try SuppressionList(project: project)
        XCTAssertEqual(suppressed.count, 5)
        XCTAssertFalse(suppressed.contains(address: "eve@example.org"))
        XCTAssertFalse(suppressed.contains(address: "policy@example.org"))

        let before = try directory.read("subscribers/suppressed.csv")
        let second = try sync.run(sources: [project.url("events"), project.url("Maildir")])
        XCTAssertEqual(second.changes, [])
        XCTAssertEqual(try directory.read("subscribers/suppressed.csv"), before, "running it twice changes nothing")
        XCTAssertTrue(before.hasPrefix("email,reason,date\n"), before)
        XCTAssertTrue(before.contains("ada@example.org,unsubscribed,2025-12-02\n"), before)
    }

    func testDryRunChangesNothingAndAMaildirNeedsTheSecret() throws {
        let directory = try TemporaryDirectory("sync")
        addTeardownBlock { directory.remove() }
        try directory.copy(from: TestPaths.fixtures.appendingPathComponent("projects/minimal"))
        let project = try Project(root: directory.url)
        try EventsFile(directory: project.url("events")).append(
            UnsubscribeEvent(target: UnsubscribeTarget(address: "ada@example.org", list: "main", form: .sealed), via: .oneClick, time: Date()))
        let before = try directory.read("subscribers/suppressed.csv")
        let dry = try SuppressionSync(project: project, link: nil).run(sources: [], dryRun: true)
        XCTAssertEqual(dry.changes.map(\.email), ["ada@example.org"], "events/ is read by default")
        XCTAssertEqual(try directory.read("subscribers/suppressed.csv"), before)

        _ = try directory.write("Subject: x\n\n", to: "Maildir/new/1")
        XCTAssertThrowsError(try SuppressionSync(project: project, link: nil).run(sources: [project.url("Maildir")])) { error in
            XCTAssertTrue("\(error)".contains("GAZETTE_UNSUBSCRIBE_SECRET"), "\(error)")
        }
        XCTAssertThrowsError(try SuppressionSync(project: project, link: nil).run(sources: [project.url("nothing-here")]))
    }
}
