// `gazette serve`'s tracking routes over real sockets: a click redirects to the sealed link and appends its
// event, the pixel appends an open, machine opens are flagged (Apple's proxy User-Agent, a listed network, a
// prefetch seconds after the send, X-Forwarded-For only when trusted), and forged, truncated or foreign tokens
// get no redirect and no event.
import Foundation
import GazetteTestSupport
import XCTest
@testable import Gazette
@testable import GazetteServer

final class TrackingServerTests: XCTestCase {
    let secret = "test-secret"
    /// The server's clock: 2026-12-02T01:30:00Z.
    static let now = Date(timeIntervalSince1970: 1_796_175_000)

    struct Fixture {
        let directory: TemporaryDirectory
        let port: Int
        let token: TrackingToken
        var eventsFolder: URL { directory.url.appendingPathComponent("events") }

        func lines() -> [String] {
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: eventsFolder.path)) ?? []).sorted()
            return files.flatMap { name in
                ((try? String(contentsOf: eventsFolder.appendingPathComponent(name), encoding: .utf8)) ?? "")
                    .split(separator: "\n").map(String.init)
            }
        }

        func events() throws -> [EngagementEvent] {
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: eventsFolder.path)) ?? []).sorted()
            var read: [EngagementEvent] = []
            for name in files {
                _ = try EventsReader(url: eventsFolder.appendingPathComponent(name), path: name) { read.append($0.event) }
            }
            return read
        }

        func click(_ url: String, address: String = "Ada@Example.org") throws -> String {
            "/c/" + (try token.seal(TrackedClick(issue: "001-hello", address: address, url: url)))
        }

        func pixel(address: String = "ada@example.org", sentAgo: TimeInterval = 3600) throws -> String {
            "/o/" + (try token.seal(TrackedOpen(issue: "001-hello", address: address, sent: TrackingServerTests.now - sentAgo))) + ".gif"
        }
    }

    func start(trustForwardedFor: Bool = false) async throws -> Fixture {
        let directory = try TemporaryDirectory("tracking-serve")
        try directory.copy(from: TestPaths.fixtures.appendingPathComponent("projects/minimal"))
        let project = try Project(root: directory.url)
        let events = EventsFile(directory: directory.url.appendingPathComponent("events"))
        let rules = MachineOpenRules(text: "# test ranges\n198.51.100.0/24\n2001:db8:17::/48\n", path: "ranges.txt")
        XCTAssertEqual(rules.problems, [])
        // A ranges file saved with Windows line ends reads the same ("\r\n" is one Character in Swift).
        let crlf = MachineOpenRules(text: "# test ranges\r\n198.51.100.0/24\r\n2001:db8:17::/48\r\n", path: "ranges.txt")
        XCTAssertEqual(crlf.problems, [])
        XCTAssertTrue(crlf.isMachine(client: "198.51.100.9", userAgent: "Thunderbird", sent: .distantPast, now: Self.now))
        XCTAssertTrue(crlf.isMachine(client: "2001:db8:17::1", userAgent: "Thunderbird", sent: .distantPast, now: Self.now))
        let recorder = try EngagementRecorder(secret: secret, events: events, machineRules: rules, clock: { Self.now })
        let server = SubscriberServer(project: project, unsubscriber: Unsubscriber(secret: secret, events: events), tracking: recorder,
                                      options: .init(host: "127.0.0.1", port: 0, requestsPerMinute: 0, trustForwardedFor: trustForwardedFor))
        let base = try await server.start()
        addTeardownBlock {
            await server.stop()
            directory.remove()
        }
        return Fixture(directory: directory, port: base.port ?? 0, token: try TrackingToken(secret: secret))
    }

    func testAClickRedirectsToTheSealedLinkAndAppendsItsEvent() async throws {
        let fixture = try await start()
        let destination = "https://example.org/article?id=7&utm_source=news#part-2"
        let response = try RawHTTPClient.get(try fixture.click(destination), port: fixture.port)
        XCTAssertEqual(response.status, 302)
        XCTAssertEqual(response.headers["location"], destination)
        XCTAssertEqual(response.headers["cache-control"], "no-store")
        XCTAssertEqual(response.headers["referrer-policy"], "no-referrer")
        XCTAssertEqual(fixture.lines(), [
            #"{"email":"ada@example.org","event":"click","issue":"001-hello","time":"2026-12-02T01:30:00.000Z","url":"https://example.org/article?id=7&utm_source=news#part-2"}"#,
        ], "the shape the report and the A/B test read")
        XCTAssertTrue(FileManager.default.fileExists(atPath: fixture.eventsFolder.appendingPathComponent("2026-12-02.jsonl").path))
        // A second click is a second event: the report counts unique clickers itself.
        XCTAssertEqual(try RawHTTPClient.get(try fixture.click(destination), port: fixture.port).status, 302)
        XCTAssertEqual(try fixture.events().count, 2)
    }

    func testThePixelIsATransparentGIFAndAppendsAnOpen() async throws {
        let fixture = try await start()
        let response = try RawHTTPClient.get(try fixture.pixel(), port: fixture.port,
                                             extraHeaders: "User-Agent: Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15\r\n")
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.headers["content-type"], "image/gif")
        XCTAssertEqual(response.headers["cache-control"], "no-store")
        XCTAssertEqual(response.body.count, 43)
        XCTAssertEqual(Array(response.body.prefix(6)), Array("GIF89a".utf8))
        XCTAssertEqual(fixture.lines(), [#"{"email":"ada@example.org","event":"open","issue":"001-hello","machine":false,"time":"2026-12-02T01:30:00.000Z"}"#])
    }

    func testMachineOpensAreFlagged() async throws {
        let fixture = try await start()
        func open(_ headers: String, sentAgo: TimeInterval = 3600) throws {
            XCTAssertEqual(try RawHTTPClient.get(try fixture.pixel(sentAgo: sentAgo), port: fixture.port, extraHeaders: headers).status, 200)
        }
        try open("User-Agent: Mozilla/5.0\r\n")                                   // Apple's MPP proxy
        try open("User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64)\r\n", sentAgo: 3)  // a scanner's prefetch
        try open("User-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\nX-Forwarded-For: 198.51.100.7\r\n")  // not trusted: the peer counts
        XCTAssertEqual(try fixture.events().map(\.machine), [true, true, false])
    }

    func testListedNetworksBehindATrustedProxyAreMachineOpens() async throws {
        let fixture = try await start(trustForwardedFor: true)
        for client in ["198.51.100.7", "203.0.113.5", "2001:db8:17::1", "2001:db8:18::1"] {
            _ = try RawHTTPClient.get(try fixture.pixel(), port: fixture.port,
                                      extraHeaders: "User-Agent: Mozilla/5.0 (iPhone)\r\nX-Forwarded-For: 192.0.2.1, \(client)\r\n")
        }
        XCTAssertEqual(try fixture.events().map(\.machine), [true, false, true, false])
    }

    func testForgedTruncatedAndForeignTokensGetNoRedirectAndNoEvent() async throws {
        let fixture = try await start()
        let click = try fixture.click("https://example.org/a")
        let pixel = try fixture.pixel()
        let otherSecret = "/c/" + (try TrackingToken(secret: "other").seal(TrackedClick(issue: "x", address: "a@b.c", url: "https://evil.example/")))
        let unsubscribe = "/c/" + (try UnsubscribeLink(baseURL: nil, mailto: nil, secret: secret).sealedToken(address: "a@b.c", list: "main"))
        let openAsClick = "/c/" + pixel.dropFirst(3).dropLast(4)
        for target in [String(click.dropLast(5)), otherSecret, unsubscribe, openAsClick, "/c/https%3A%2F%2Fevil.example%2F",
                       "/c/%00%ff", "/c/" + String(repeating: "A", count: 3000), "/c/"] {
            let response = try RawHTTPClient.get(target, port: fixture.port)
            XCTAssertTrue([400, 404].contains(response.status), "\(target.prefix(60)): \(response.status)")
            XCTAssertNil(response.headers["location"], "never a redirect for a token we did not seal")
        }
        let clickAsOpen = "/o/" + click.dropFirst(3) + ".gif"
        for target in [String(pixel.dropLast(9)) + ".gif", clickAsOpen, "/o/garbage.gif", String(pixel.dropLast(4)), "/o/%00.gif"] {
            let response = try RawHTTPClient.get(target, port: fixture.port)
            XCTAssertEqual(response.status, 200, String(target.prefix(60)))
            XCTAssertEqual(response.body.count, 43, "always the pixel")
        }
        XCTAssertEqual(fixture.lines(), [])
        XCTAssertEqual(try RawHTTPClient.get("/_gazette/health", port: fixture.port).text, "ok\n")
    }
}
