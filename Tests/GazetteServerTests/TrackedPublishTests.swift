// Tracking from publish to serve: an issue published to the outbox with tracking on has its HTML links going
// through /c/ and a pixel at the end, the text part and the unsubscribe link untouched; following each link
// through a real `SubscriberServer` redirects to where the issue linked and appends the events the report reads.
import Foundation
import GazetteTestSupport
import XCTest
@testable import Gazette
@testable import GazetteServer

final class TrackedPublishTests: XCTestCase {
    let secret = "test-secret"

    func publishedMessage(tracking: String) throws -> (TemporaryDirectory, MessageVerifier.Report) {
        let directory = try TemporaryDirectory("tracked-publish")
        try directory.copy(from: TestPaths.fixtures.appendingPathComponent("projects/minimal"))
        let settings = try String(contentsOf: directory.url.appendingPathComponent("gazette.yml"), encoding: .utf8)
        try directory.write(settings + tracking, to: "gazette.yml")
        try directory.write("email,name\nada@example.org,Ada\n", to: "subscribers/main.csv")
        let issueURL = directory.url.appendingPathComponent("content/issues")
        let issueName = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: issueURL.path).first)
        let issue = try String(contentsOf: issueURL.appendingPathComponent(issueName), encoding: .utf8)
        try directory.write(issue + "\nSee [the project again](https://fixture.example.org/project), [a section](#what-is-inside), "
                            + "[the docs](http://docs.example.net/a?b=1&c=2) and [mail us](mailto:editor@fixture.example.org).\n",
                            to: "content/issues/" + issueName)
        var options = PublishOptions(issue: "1")
        options.environment = ["GAZETTE_UNSUBSCRIBE_SECRET": secret]
        let project = try Project(root: directory.url)
        let summary = try Publisher(project: project, options: options) { via in
            try Transports.make(via: via, configuration: project.configuration, caFile: nil, environment: [:], projectRoot: project.root)
        }.run()
        XCTAssertEqual(summary.sent, 1)
        let folder = directory.url.appendingPathComponent("outbox/new")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).map { folder.appendingPathComponent($0) }
        return (directory, try XCTUnwrap(try MessageVerifier.verify(files).first))
    }

    /// The `href`/`src` values of the HTML.
    func urls(in html: String, attribute: String) -> [String] {
        html.components(separatedBy: "\(attribute)=\"").dropFirst().compactMap { $0.split(separator: "\"", maxSplits: 1).first.map(String.init) }
    }

    func testLinksGoThroughTheRedirectAndFollowingThemRecordsClicksAndAnOpen() async throws {
        let (directory, message) = try publishedMessage(tracking: "\ntracking: { clicks: true, opens: true, consent: \"test\" }\n")
        defer { directory.remove() }
        XCTAssertEqual(message.defects, [])
        let hrefs = urls(in: message.html, attribute: "href")
        let tracked = hrefs.filter { $0.hasPrefix("https://fixture.example.org/c/") }
        XCTAssertFalse(hrefs.contains("https://fixture.example.org/project"), "\(hrefs)")
        XCTAssertFalse(hrefs.contains { $0.hasPrefix("http://docs.example.net") })
        // The template's archive and web-version links, the project link twice (once in the body, once added),
        // the docs link; one recipient's links to one URL share one token.
        XCTAssertEqual(tracked.count, 6, "\(hrefs)")
        XCTAssertEqual(Set(tracked).count, 4, "\(hrefs)")
        XCTAssertTrue(hrefs.contains { $0.hasPrefix("https://fixture.example.org/unsubscribe?token=") }, "the unsubscribe link untouched")
        XCTAssertTrue(hrefs.contains("#what-is-inside"))
        XCTAssertTrue(hrefs.contains("mailto:editor@fixture.example.org"))
        XCTAssertFalse(tracked.joined().contains("ada"), "no address in a URL")
        XCTAssertTrue(message.listUnsubscribe.contains("https://fixture.example.org/unsubscribe?token="), message.listUnsubscribe)
        XCTAssertFalse(message.listUnsubscribe.contains("/c/"))
        let pixel = try XCTUnwrap(urls(in: message.html, attribute: "src").last)
        XCTAssertTrue(pixel.hasPrefix("https://fixture.example.org/o/") && pixel.hasSuffix(".gif"), pixel)
        XCTAssertTrue(message.html.contains("width=\"1\" height=\"1\" alt=\"\""))
        XCTAssertTrue(message.text.contains("https://fixture.example.org/project"), "the text part keeps the real URLs")
        XCTAssertTrue(message.text.contains("http://docs.example.net/a?b=1&c=2"))
        XCTAssertFalse(message.text.contains("/c/"))
        XCTAssertFalse(message.text.contains("/o/"))

        let events = EventsFile(directory: directory.url.appendingPathComponent("events"))
        let recorder = try EngagementRecorder(secret: secret, events: events, machineRules: MachineOpenRules(text: "", path: "none"))
        let server = SubscriberServer(project: try Project(root: directory.url), unsubscriber: Unsubscriber(secret: secret, events: events),
                                      tracking: recorder, options: .init(port: 0, requestsPerMinute: 0))
        let port = try await server.start().port ?? 0
        defer { Task { await server.stop() } }
        var locations: [String] = []
        var seen: Set<String> = []
        for link in tracked where seen.insert(link).inserted {
            let response = try RawHTTPClient.get(String(link.dropFirst("https://fixture.example.org".count)), port: port)
            XCTAssertEqual(response.status, 302)
            locations.append(response.headers["location"] ?? "")
        }
        XCTAssertEqual(locations.sorted(), ["http://docs.example.net/a?b=1&c=2", "https://fixture.example.org/",
                                            "https://fixture.example.org/issues/hello/", "https://fixture.example.org/project"].sorted())
        let open = try RawHTTPClient.get(String(pixel.dropFirst("https://fixture.example.org".count)), port: port,
                                         extraHeaders: "User-Agent: Thunderbird/128.0\r\n")
        XCTAssertEqual(open.body.count, 43)
        await server.stop()
        let files = try FileManager.default.contentsOfDirectory(atPath: events.directory.path)
        var engagements: [EngagementEvent] = []
        let read = try EventsReader(url: events.directory.appendingPathComponent(try XCTUnwrap(files.first)), path: "events") { engagements.append($0.event) }
        XCTAssertEqual(read.problems, [])
        XCTAssertEqual(engagements.map(\.event), [.click, .click, .click, .click, .open])
        XCTAssertEqual(Set(engagements.map(\.issue)), ["hello"])
        XCTAssertEqual(Set(engagements.map(\.email)), ["ada@example.org"])
        XCTAssertEqual(engagements.last?.machine, true, "opened within seconds of the send: a scanner's prefetch, by the rule")
    }

    func testWithTrackingOffNothingIsRewritten() throws {
        let (directory, message) = try publishedMessage(tracking: "")
        defer { directory.remove() }
        let hrefs = urls(in: message.html, attribute: "href")
        XCTAssertTrue(hrefs.contains("https://fixture.example.org/project"))
        XCTAssertFalse(hrefs.contains { $0.contains("/c/") })
        XCTAssertFalse(message.html.contains("/o/"))
    }
}
