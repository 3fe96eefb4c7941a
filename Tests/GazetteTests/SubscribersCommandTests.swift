// `gazette subscribers …` as users run it: real list files in a temporary project, the binary's output,
// exit status and the bytes left on disk.
import Foundation
import Gazette
import GazetteTestSupport
import XCTest

final class SubscribersCommandTests: ListProjectTestCase {

    func json(_ run: GazetteBinary.Run) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], run.stdout)
    }

    func testAddWritesASortedGitFriendlyFileAndANoOpChangesNoByte() throws {
        try directory.write("email,name\nzed@example.org,Zed\n\"bob@example.org\",Bob\n", to: "subscribers/main.csv")
        let add = try gazette("subscribers", "add", " Ada@Bücher.EXAMPLE ", "--name", "Lovelace, Ada", "--tag", "rust", "--tag", "events;rust")
        XCTAssertEqual(add.status, 0, add.stderr)
        XCTAssertEqual(add.stdout, "added: Ada@xn--bcher-kva.example\nWrote subscribers/main.csv.\n")
        XCTAssertEqual(try directory.read("subscribers/main.csv"), """
            email,name,tags,subscribed_at
            Ada@xn--bcher-kva.example,"Lovelace, Ada",rust;events,\(today)
            bob@example.org,Bob,,
            zed@example.org,Zed,,

            """)
        let before = try bytes("subscribers/main.csv")
        let again = try gazette("subscribers", "add", "ada@xn--bcher-kva.example", "--tag", "rust")
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(again.stdout, "unchanged: ada@xn--bcher-kva.example\nNo file changed.\n")
        XCTAssertEqual(try bytes("subscribers/main.csv"), before, "rewriting an unchanged list is byte-identical")
        let removeNobody = try gazette("subscribers", "remove", "nobody@example.org")
        XCTAssertEqual(removeNobody.status, 0)
        XCTAssertTrue(removeNobody.stderr.contains("warning: nobody@example.org is on no list"), removeNobody.stderr)
        XCTAssertEqual(try bytes("subscribers/main.csv"), before)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.url.appendingPathComponent("subscribers").path)
        XCTAssertEqual(leftovers.sorted(), ["main.csv", "suppressed.csv"], "no temporary file is left behind")
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("logs/gazette.lock").path))
    }

    func testAnInvalidAddressChangesNothingAndRoleAndTypoAreWarnings() throws {
        let before = try bytes("subscribers/main.csv")
        let bad = try gazette("subscribers", "add", "good@example.org", "not an address", "x@@example.org")
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("error: \"not an address\" has no @"), bad.stderr)
        XCTAssertTrue(bad.stderr.contains("error: \"x@@example.org\" is not a valid address"), bad.stderr)
        XCTAssertTrue(bad.stderr.contains("hint: "), bad.stderr)
        XCTAssertEqual(try bytes("subscribers/main.csv"), before, "all or nothing")

        let warned = try gazette("subscribers", "add", "postmaster@example.org", "sam@gmial.com", "--list", "weekly", "--format", "json")
        XCTAssertEqual(warned.status, 0, warned.stderr)
        let report = try json(warned)
        let codes = (report["diagnostics"] as? [[String: Any]])?.compactMap { $0["code"] as? String }
        XCTAssertEqual(codes, ["address-role", "address-domain-typo"])
        XCTAssertTrue(try directory.read("subscribers/weekly.csv").hasPrefix("email,name,tags,subscribed_at,source\npostmaster@example.org,"))
        let badName = try gazette("subscribers", "add", "a@example.org", "--list", "suppressed")
        XCTAssertEqual(badName.status, 1)
        XCTAssertTrue(badName.stderr.contains("cannot be a list's name"), badName.stderr)
    }

    func testRemoveFromEveryListOrOne() throws {
        try directory.write("email\nada@example.org\ncy@example.org\n", to: "subscribers/weekly.csv")
        let one = try gazette("subscribers", "remove", "ADA@example.org", "--list", "weekly")
        XCTAssertEqual(one.status, 0, one.stderr)
        XCTAssertEqual(try directory.read("subscribers/weekly.csv"), "email\ncy@example.org\n")
        XCTAssertTrue(try directory.read("subscribers/main.csv").contains("ada@example.org"))
        let all = try gazette("subscribers", "remove", "ada@example.org", "cy@example.org")
        XCTAssertEqual(all.stdout, "removed from main: ada@example.org\nremoved from weekly: cy@example.org\n"
                       + "Wrote subscribers/main.csv, subscribers/weekly.csv.\n")
        XCTAssertEqual(try directory.read("subscribers/weekly.csv"), "email\n")
    }

    func testAListWithABadRowIsNotRewritten() throws {
        try directory.write("email,name\nada@example.org,Ada\nbob@example.org,Bob,extra\n\"open@example.org,x\n", to: "subscribers/main.csv")
        let before = try bytes("subscribers/main.csv")
        let run = try gazette("subscribers", "add", "cy@example.org")
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("subscribers/main.csv:3: error: the row has 3 fields but the header has 2 columns"), run.stderr)
        XCTAssertTrue(run.stderr.contains("subscribers/main.csv:4: error: a quoted field that starts on this line is never closed"), run.stderr)
        XCTAssertTrue(run.stderr.contains("gazette rewrites a list only when it can read every row"), run.stderr)
        XCTAssertEqual(try bytes("subscribers/main.csv"), before)
    }

    func testAHeldProjectLockMakesAnEditWaitThenFailWithTheHolderNamed() throws {
        let before = try bytes("subscribers/main.csv")
        try ProjectLock.withLock(root: directory.url, activity: "the lock test") {
            let run = try GazetteBinary.run(["subscribers", "add", "cy@example.org"], in: directory.url,
                                            environment: ["GAZETTE_LOCK_WAIT": "1"], timeout: 60)
            XCTAssertEqual(run.status, 1)
            XCTAssertTrue(run.stderr.contains("logs/gazette.lock: error: the lock test (pid \(getpid()) on "), run.stderr)
            XCTAssertTrue(run.stderr.contains("holds logs/gazette.lock (waited 1 s)"), run.stderr)
            let unsubscribe = try GazetteBinary.run(["subscribers", "unsubscribe", "cy@example.org"], in: directory.url,
                                                    environment: ["GAZETTE_LOCK_WAIT": "0"], timeout: 60)
            XCTAssertEqual(unsubscribe.status, 1, "an append to suppressed.csv takes the same lock")
        }
        XCTAssertEqual(try bytes("subscribers/main.csv"), before)

        // Released while an edit waits: the edit goes on.
        let waiting = expectation(description: "the edit finished")
        nonisolated(unsafe) var late: GazetteBinary.Run?
        let lock = try FileLock(url: ProjectLock.url(root: directory.url), activity: "a short hold")
        let root = directory.url
        DispatchQueue.global().async {
            late = try? GazetteBinary.run(["subscribers", "add", "late@example.org"], in: root, timeout: 60)
            waiting.fulfill()
        }
        Thread.sleep(forTimeInterval: 1)
        lock.release()
        wait(for: [waiting], timeout: 90)
        XCTAssertEqual(late?.status, 0, late?.stderr ?? "")
        XCTAssertTrue(try directory.read("subscribers/main.csv").contains("late@example.org"))
    }

    func testConcurrentAddsAndUnsubscribesLoseNoRow() throws {
        // Without the lock each `add` reads the list, adds its row and renames its copy over the others'; the
        // unsubscribes (appends to suppressed.csv, as a publish's hard bounces are) run among them.
        let count = 8
        // A list long enough that reading and rewriting it takes longer than a process takes to start.
        let rows = (0..<40_000).map { "reader\($0)@example.net,Reader \($0)" }
        try directory.write("email,name\n" + rows.joined(separator: "\n") + "\n", to: "subscribers/main.csv")
        let results = NSLock()
        nonisolated(unsafe) var statuses: [Int32] = []
        let root = directory.url
        DispatchQueue.concurrentPerform(iterations: count) { index in
            let command = index % 2 == 0 ? "add" : "unsubscribe"
            let run = try? GazetteBinary.run(["subscribers", command, "p\(index)@example.org"], in: root, timeout: 90)
            results.withLock { statuses.append(run?.status ?? -1) }
        }
        XCTAssertEqual(statuses, Array(repeating: 0, count: count))
        let list = try directory.read("subscribers/main.csv")
        let suppressed = try directory.read("subscribers/suppressed.csv")
        for index in 0..<count {
            let file = index % 2 == 0 ? list : suppressed
            XCTAssertEqual(file.components(separatedBy: "p\(index)@example.org").count, 2, "p\(index)@example.org is there once")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: ProjectLock.url(root: directory.url).path))
    }

    func testUnsubscribeWritesDetailAndKeepsOldSuppressionFilesWorking() throws {
        // The fixture's suppressed.csv has the old three-column header: rows keep to it.
        let old = try gazette("subscribers", "unsubscribe", "Ada@Example.org", "--detail", "asked, by mail")
        XCTAssertEqual(old.status, 0, old.stderr)
        XCTAssertEqual(old.stdout, "suppressed (unsubscribed): Ada@example.org\nWrote subscribers/suppressed.csv.\n")
        let day = try XCTUnwrap(try directory.read("subscribers/suppressed.csv").split(separator: "\n").last?.split(separator: ",").last)
        XCTAssertEqual(try directory.read("subscribers/suppressed.csv"), "email,reason,date\nAda@example.org,unsubscribed,\(day)\n")
        let twice = try gazette("subscribers", "unsubscribe", "ada@example.org")
        XCTAssertEqual(twice.stdout, "already suppressed: ada@example.org\nNo file changed.\n")

        try FileManager.default.removeItem(at: directory.url.appendingPathComponent("subscribers/suppressed.csv"))
        let new = try gazette("subscribers", "unsubscribe", "zoe@example.org", "--reason", "complaint", "--detail", "=cmd|' /C calc'!A0")
        XCTAssertEqual(new.status, 0, new.stderr)
        XCTAssertEqual(try directory.read("subscribers/suppressed.csv"),
                       "email,reason,date,detail\nzoe@example.org,complaint,\(day),'=cmd|' /C calc'!A0\n")
        let stats = try json(try gazette("subscribers", "stats", "--format", "json"))
        let main = try XCTUnwrap((stats["lists"] as? [[String: Any]])?.first)
        XCTAssertEqual(main["suppressed"] as? Int, 1)
        XCTAssertEqual(main["subscribers"] as? Int, 2)
        let badReason = try gazette("subscribers", "unsubscribe", "zoe@example.org", "--reason", "bored")
        XCTAssertEqual(badReason.status, 2)
    }
}
