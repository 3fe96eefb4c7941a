// `gazette serve`'s server over real sockets: the confirmation page, RFC 8058 one-click, legacy links, and
// what strangers send — forged tokens, big bodies and headers, garbage, floods and slow clients — after which
// the server still answers and no event was written for a refused request.
import Foundation
import GazetteTestSupport
import XCTest
@testable import Gazette
@testable import GazetteServer

final class SubscriberServerTests: XCTestCase {
    let secret = "test-secret"

    struct Fixture {
        let directory: TemporaryDirectory
        let server: SubscriberServer
        let port: Int
        let link: UnsubscribeLink
        var eventsFolder: URL { directory.url.appendingPathComponent("events") }

        func events() -> [UnsubscribeEvent] {
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: eventsFolder.path)) ?? []).sorted()
            return files.flatMap { name in
                (try? EventsReader(url: eventsFolder.appendingPathComponent(name), path: name).entries.map(\.event)) ?? []
            }
        }

        func target(_ address: String, list: String = "main") throws -> String {
            "/unsubscribe?token=" + (try link.sealedToken(address: address, list: list))
        }

        func post(_ target: String, body: String = "List-Unsubscribe=One-Click", contentType: String = "application/x-www-form-urlencoded",
                  extraHeaders: String = "") throws -> RawHTTPClient.Response {
            let request = "POST \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\nContent-Type: \(contentType)\r\n"
                + "Content-Length: \(body.utf8.count)\r\n\(extraHeaders)\r\n\(body)"
            return try RawHTTPClient.send(Data(request.utf8), port: port)
        }
    }

    func start(requestsPerMinute: Int = 0, idleTimeout: Int = 15, trustForwardedFor: Bool = false) async throws -> Fixture {
        let directory = try TemporaryDirectory("serve")
        try directory.copy(from: TestPaths.fixtures.appendingPathComponent("projects/minimal"))
        let project = try Project(root: directory.url)
        let unsubscriber = Unsubscriber(secret: secret, events: EventsFile(directory: directory.url.appendingPathComponent("events")))
        let server = SubscriberServer(project: project, unsubscriber: unsubscriber,
                                      options: .init(host: "127.0.0.1", port: 0, requestsPerMinute: requestsPerMinute,
                                                     trustForwardedFor: trustForwardedFor, idleTimeout: idleTimeout))
        let base = try await server.start()
        addTeardownBlock {
            await server.stop()
            directory.remove()
        }
        return Fixture(directory: directory, server: server, port: base.port ?? 0,
                       link: UnsubscribeLink(baseURL: nil, mailto: nil, secret: secret))
    }

    func testGetShowsTheConfirmationPageAndWritesNothing() async throws {
        let fixture = try await start()
        let page = try RawHTTPClient.get(try fixture.target("ada@example.org"), port: fixture.port)
        XCTAssertEqual(page.status, 200)
        XCTAssertTrue(page.text.contains("Fixture Weekly"), "the newsletter's name")
        XCTAssertTrue(page.text.contains("ada@example.org"))
        XCTAssertTrue(page.text.contains("class=\"site-header\""), "the archive's layout classes")
        XCTAssertTrue(page.text.contains(".wrap"), "the archive's stylesheet, inlined")
        XCTAssertTrue(page.text.contains("<form method=\"post\" action=\"/unsubscribe?token="))
        XCTAssertEqual(page.headers["referrer-policy"], "no-referrer")
        XCTAssertEqual(page.headers["cache-control"], "no-store")
        XCTAssertEqual(fixture.events(), [], "a GET (a link scanner, a preview) never unsubscribes")
    }

    func testOneClickUnsubscribesAtOnceAndTheEventIsOnDisk() async throws {
        let fixture = try await start()
        let response = try fixture.post(try fixture.target("ada@example.org"))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.text, "unsubscribed\n")
        let events = fixture.events()
        XCTAssertEqual(events.map(\.email), ["ada@example.org"])
        XCTAssertEqual(events.first?.via, .oneClick)
        XCTAssertEqual(events.first?.list, "main")
        // A retry of the same click: 200 again, no second line.
        XCTAssertEqual(try fixture.post(try fixture.target("ada@example.org")).status, 200)
        XCTAssertEqual(fixture.events().count, 1)
        // multipart/form-data, which RFC 8058 §3.1 allows too.
        let multipart = "--b1\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--b1--\r\n"
        XCTAssertEqual(try fixture.post(try fixture.target("zoe@example.org"), body: multipart, contentType: "multipart/form-data; boundary=b1").status, 200)
        XCTAssertEqual(fixture.events().map(\.email), ["ada@example.org", "zoe@example.org"])
    }

    func testTheConfirmationButtonAndLegacyLinksWork() async throws {
        let fixture = try await start()
        let done = try fixture.post(try fixture.target("zoe@example.org"), body: "confirm=yes")
        XCTAssertEqual(done.status, 200)
        XCTAssertTrue(done.text.contains("You are unsubscribed"))
        let legacyToken = try fixture.link.token(address: "ada@example.org", list: "main")
        let legacy = "/unsubscribe?list=main&email=ada%40example.org&token=\(legacyToken)"
        XCTAssertEqual(try RawHTTPClient.get(legacy, port: fixture.port).status, 200, "links of issues already sent")
        XCTAssertEqual(try fixture.post(legacy).status, 200)
        XCTAssertEqual(fixture.events().map(\.email), ["zoe@example.org", "ada@example.org"])
        XCTAssertEqual(fixture.events().map(\.form), ["sealed", "legacy"])
    }

    func testForgedMovedAndTruncatedTokensGet400AndNoEvent() async throws {
        let fixture = try await start()
        let good = try fixture.link.sealedToken(address: "ada@example.org", list: "main")
        let legacyToken = try fixture.link.token(address: "ada@example.org", list: "main")
        let bad = [
            "/unsubscribe?token=" + String(good.dropLast(4)),
            "/unsubscribe?token=" + (try UnsubscribeLink(baseURL: nil, mailto: nil, secret: "other").sealedToken(address: "ada@example.org", list: "main")),
            "/unsubscribe?list=main&email=eve%40example.org&token=\(legacyToken)",
            "/unsubscribe?list=main&email=ada%40example.org&token=\(legacyToken.dropLast())",
            "/unsubscribe?token=%00%ff",
            "/unsubscribe",
        ]
        for target in bad {
            let page = try RawHTTPClient.get(target, port: fixture.port)
            XCTAssertEqual(page.status, 400, target)
            XCTAssertTrue(page.text.contains("This link is not valid"), target)
            XCTAssertEqual(try fixture.post(target).status, 400, target)
        }
        XCTAssertEqual(try fixture.post(try fixture.target("ada@example.org"), body: "something=else").status, 400, "not a one-click body")
        XCTAssertEqual(fixture.events(), [])
    }

    func testLimitsAndGarbageLeaveTheServerServing() async throws {
        let fixture = try await start()
        let target = try fixture.target("ada@example.org")
        let big = try fixture.post(target, body: "List-Unsubscribe=One-Click&" + String(repeating: "x", count: 100_000))
        XCTAssertEqual(big.status, 413)
        let header = "X-Big: " + String(repeating: "h", count: 20_000) + "\r\n"
        let huge = try? RawHTTPClient.get(target, port: fixture.port, extraHeaders: header)
        XCTAssertNotEqual(huge?.status, 200, "a 20 kB header is refused (or the connection closed)")
        _ = try? RawHTTPClient.exchange(Data("\u{0}\u{1}garbage\r\n\r\n".utf8), port: fixture.port, timeout: 2)
        _ = try? RawHTTPClient.exchange(Data("POST /unsubscribe HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n".utf8), port: fixture.port, timeout: 2)
        XCTAssertEqual(try RawHTTPClient.get("/_gazette/health", port: fixture.port).text, "ok\n")
        XCTAssertEqual(try fixture.post(target).status, 200)
        XCTAssertEqual(fixture.events().count, 1)
        XCTAssertEqual(try RawHTTPClient.get("/elsewhere", port: fixture.port).status, 404)
    }

    func testRequestsPerClientAreLimitedButHealthIsNot() async throws {
        let fixture = try await start(requestsPerMinute: 5)
        let target = try fixture.target("ada@example.org")
        let statuses = try (0..<8).map { _ in try RawHTTPClient.get(target, port: fixture.port).status }
        XCTAssertEqual(statuses, [200, 200, 200, 200, 200, 429, 429, 429])
        XCTAssertEqual(try RawHTTPClient.get("/_gazette/health", port: fixture.port).status, 200)
    }

    func testForwardedForIsTheClientOnlyWhenTrusted() async throws {
        let fixture = try await start(requestsPerMinute: 2, trustForwardedFor: true)
        let target = try fixture.target("ada@example.org")
        func get(_ client: String) throws -> Int {
            try RawHTTPClient.get(target, port: fixture.port, extraHeaders: "X-Forwarded-For: 203.0.113.9, \(client)\r\n").status
        }
        XCTAssertEqual(try [get("198.51.100.1"), get("198.51.100.1"), get("198.51.100.1")], [200, 200, 429])
        XCTAssertEqual(try get("198.51.100.2"), 200, "another client behind the same proxy")
    }

    func testSlowClientsDoNotStopOthersAndIdleOnesAreClosed() async throws {
        let fixture = try await start(idleTimeout: 1)
        // Fifty connections that send half a request head and then stall (slowloris).
        var sockets: [Int32] = []
        for _ in 0..<50 {
            let socket = try RawHTTPClient.connectSocket(port: fixture.port, timeout: 5)
            let partial = "POST /unsubscribe HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
            _ = partial.withCString { send(socket, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
            sockets.append(socket)
        }
        defer { sockets.forEach { close($0) } }
        let started = Date()
        XCTAssertEqual(try fixture.post(try fixture.target("ada@example.org")).status, 200)
        XCTAssertLessThan(Date().timeIntervalSince(started), 2, "served at once beside the stalled clients")
        // After the idle timeout the stalled connections are closed by the server: recv sees the end.
        var buffer = [UInt8](repeating: 0, count: 1024)
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(sockets[0], SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let begin = Date()
        let count = recv(sockets[0], &buffer, buffer.count, 0)
        XCTAssertLessThanOrEqual(count, 0, "closed")
        XCTAssertLessThan(Date().timeIntervalSince(begin), 4.5, "closed by the idle timeout, not by our own recv timeout")
    }
}
