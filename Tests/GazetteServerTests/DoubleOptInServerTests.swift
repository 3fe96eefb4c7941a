// Double opt-in over real sockets: the subscribe form sends a confirmation that aiosmtpd receives, its link is
// followed (GET shows a button, only the POST records), sync adds the subscriber once; forged, truncated,
// expired and replayed tokens record nothing more; the honeypot and a flood are answered without a crash.
import Foundation
import GazetteTestSupport
import XCTest
@testable import Gazette
@testable import GazetteServer

final class DoubleOptInServerTests: XCTestCase {
    let secret = "test-secret"

    struct Missing: Error, CustomStringConvertible { let description: String }

    struct Fixture {
        let directory: TemporaryDirectory
        let project: Project
        let port: Int
        let smtp: TestSMTPServer
        var eventsFolder: URL { directory.url.appendingPathComponent("events") }

        func confirmations() -> [SubscribeConfirmedEvent] {
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: eventsFolder.path)) ?? []).sorted()
            return files.flatMap { name in
                (try? EventsReader(url: eventsFolder.appendingPathComponent(name), path: name).confirmations.map(\.event)) ?? []
            }
        }

        func post(_ target: String, body: String, headers: String = "") throws -> RawHTTPClient.Response {
            let request = "POST \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n" + headers
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
            return try RawHTTPClient.send(Data(request.utf8), port: port)
        }

        /// The token of the confirmation link in the `index`th message aiosmtpd received.
        func token(inMessage index: Int) throws -> String {
            let messages = try smtp.receivedMessages()
            guard index < messages.count else { throw Missing(description: "only \(messages.count) messages arrived") }
            let text = String(decoding: messages[index].content, as: UTF8.self).replacingOccurrences(of: "=\r\n", with: "")
                .replacingOccurrences(of: "=\n", with: "")
            guard let range = text.range(of: "https://fixture.example.org/confirm/") else {
                throw Missing(description: "no confirmation link in: \(text)")
            }
            return String(text[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        }
    }

    func start(requestsPerMinute: Int = 0, trustedProxies: [String] = []) async throws -> Fixture {
        try PythonTools.require(["aiosmtpd"])
        let smtp = try TestSMTPServer.start()
        let directory = try TemporaryDirectory("optin")
        try directory.copy(from: TestPaths.fixtures.appendingPathComponent("projects/minimal"))
        let project = try Project(root: directory.url)
        let events = EventsFile(directory: directory.url.appendingPathComponent("events"))
        let transport = try Transports.make(via: "smtp://127.0.0.1:\(smtp.port)?tls=none", configuration: project.configuration,
                                            caFile: nil, environment: [:], projectRoot: project.root)
        let optIn = try DoubleOptIn(project: project, secret: secret, events: events, transports: [transport], signer: nil)
        let server = SubscriberServer(project: project, unsubscriber: Unsubscriber(secret: secret, events: events), optIn: optIn,
                                      options: .init(host: "127.0.0.1", port: 0, requestsPerMinute: requestsPerMinute,
                                                     trustedProxies: trustedProxies.compactMap(IPRange.init)))
        let base = try await server.start()
        addTeardownBlock {
            await server.stop()
            smtp.stop()
            directory.remove()
        }
        return Fixture(directory: directory, project: project, port: base.port ?? 0, smtp: smtp)
    }

    func testFormConfirmationLinkAndSync() async throws {
        let fixture = try await start()
        let form = try fixture.post("/subscribe", body: "email=New.Reader%40Example.NET&name=New+Reader&list=main")
        XCTAssertEqual(form.status, 200, form.text)
        XCTAssertTrue(form.text.contains("Check your inbox"))
        XCTAssertEqual(fixture.confirmations().count, 0, "the form records nothing")
        let messages = try fixture.smtp.receivedMessages()
        XCTAssertEqual(messages.map(\.rcptTos), [["new.reader@example.net"]], "the normalised address")
        let content = String(decoding: messages[0].content, as: UTF8.self)
        XCTAssertTrue(content.contains("Subject: Confirm your subscription to Fixture Weekly"), content)
        let token = try fixture.token(inMessage: 0)

        let page = try RawHTTPClient.get("/confirm/\(token)", port: fixture.port)
        XCTAssertEqual(page.status, 200)
        XCTAssertTrue(page.text.contains("<form method=\"post\" action=\"/confirm/\(token)\""), page.text)
        XCTAssertEqual(fixture.confirmations().count, 0, "a GET (a mail scanner) records nothing")

        XCTAssertEqual(try fixture.post("/confirm/\(token)", body: "").status, 400, "the button's field is needed")
        let confirmed = try fixture.post("/confirm/\(token)", body: "confirm=yes")
        XCTAssertEqual(confirmed.status, 200)
        XCTAssertTrue(confirmed.text.contains("You are subscribed"))
        XCTAssertEqual(try fixture.post("/confirm/\(token)", body: "confirm=yes").status, 200, "a replay is harmless")
        let events = fixture.confirmations()
        XCTAssertEqual(events.map(\.email), ["new.reader@example.net"], "one event, not two")
        XCTAssertEqual(events.first?.list, "main")
        XCTAssertEqual(events.first?.name, "New Reader")
        XCTAssertTrue(events.first?.source.hasPrefix("double-opt-in 20") == true)
        XCTAssertTrue(events.first?.source.hasSuffix(" from 127.0.0.1") == true, events.first?.source ?? "")

        // Forged and truncated tokens: a clear page, no event.
        var forged = Array(token)
        forged[10] = forged[10] == "A" ? "B" : "A"
        XCTAssertEqual(try fixture.post("/confirm/\(String(forged))", body: "confirm=yes").status, 400)
        XCTAssertEqual(try fixture.post("/confirm/\(token.prefix(20))", body: "confirm=yes").status, 400)
        XCTAssertEqual(try RawHTTPClient.get("/confirm/not-a-token", port: fixture.port).status, 400)
        // An unsubscribe token is not a confirmation token.
        let unsubscribeToken = try UnsubscribeLink(baseURL: nil, mailto: nil, secret: secret).sealedToken(address: "x@example.org", list: "main")
        XCTAssertEqual(try fixture.post("/confirm/\(unsubscribeToken)", body: "confirm=yes").status, 400)
        // Expired: sealed eight days ago (the default expiry is seven).
        let old = try ConfirmationToken(secret: secret).seal(PendingSubscription(address: "late@example.org", list: "main",
                                                                                requested: Date().addingTimeInterval(-8 * 86_400)))
        let expired = try fixture.post("/confirm/\(old)", body: "confirm=yes")
        XCTAssertEqual(expired.status, 410)
        XCTAssertTrue(expired.text.contains("expired"))
        XCTAssertEqual(fixture.confirmations().count, 1)

        // Sync adds the subscriber with subscribed_at and source; a second sync changes nothing.
        let first = try SuppressionSync(project: fixture.project, link: nil).run(sources: [])
        XCTAssertEqual(first.subscribed.map(\.email), ["new.reader@example.net"])
        let list = try String(contentsOf: fixture.directory.url.appendingPathComponent("subscribers/main.csv"), encoding: .utf8)
        XCTAssertTrue(list.hasPrefix("email,name,subscribed_at,source\n"), list)
        XCTAssertTrue(list.contains("new.reader@example.net,New Reader,20"), list)
        XCTAssertTrue(list.contains("double-opt-in"), list)
        let second = try SuppressionSync(project: fixture.project, link: nil).run(sources: [])
        XCTAssertEqual(second.subscribed.count, 0)
        XCTAssertEqual(second.alreadySubscribed, 1)
        XCTAssertEqual(try String(contentsOf: fixture.directory.url.appendingPathComponent("subscribers/main.csv"), encoding: .utf8), list)
    }

    func testSuppressedAddressIsNotAddedBySync() async throws {
        let fixture = try await start()
        try SuppressionList(project: fixture.project).append(address: "gone@example.org", reason: "unsubscribed")
        XCTAssertEqual(try fixture.post("/subscribe", body: "email=gone%40example.org").status, 200)
        let token = try fixture.token(inMessage: 0)
        XCTAssertEqual(try fixture.post("/confirm/\(token)", body: "confirm=yes").status, 200)
        let result = try SuppressionSync(project: fixture.project, link: nil).run(sources: [])
        XCTAssertEqual(result.subscribed.count, 0)
        XCTAssertEqual(result.suppressedConfirmations, 1)
        XCTAssertTrue(result.problems.contains { $0.code == "confirmation-suppressed" })
        let list = try String(contentsOf: fixture.directory.url.appendingPathComponent("subscribers/main.csv"), encoding: .utf8)
        XCTAssertFalse(list.contains("gone@example.org"))
    }

    func testBadFormsHoneypotAndFlood() async throws {
        let fixture = try await start(requestsPerMinute: 20)
        XCTAssertEqual(try fixture.post("/subscribe", body: "email=bot%40example.org&website=http%3A%2F%2Fspam").status, 200)
        XCTAssertEqual(try fixture.post("/subscribe", body: "email=nobody").status, 400)
        XCTAssertEqual(try fixture.post("/subscribe", body: "email=a%40example.org&list=..%2Fsecrets").status, 400)
        XCTAssertEqual(try fixture.post("/subscribe", body: "email=a%40example.org&list=nosuchlist").status, 400)
        XCTAssertEqual(try fixture.smtp.receivedMessages().count, 0, "the honeypot and bad forms send nothing")
        // One address: three confirmations an hour at most.
        var perAddress: [Int] = []
        for _ in 0..<5 { perAddress.append(try fixture.post("/subscribe", body: "email=same%40example.org").status) }
        XCTAssertEqual(perAddress, [200, 200, 200, 429, 429])
        XCTAssertEqual(try fixture.smtp.receivedMessages().count, 3)
        // One client: 20 requests a minute, then 429; the server still answers.
        var statuses: [Int] = []
        for index in 0..<30 { statuses.append(try fixture.post("/subscribe", body: "email=f\(index)%40example.org&website=x").status) }
        XCTAssertTrue(statuses.contains(429))
        XCTAssertEqual(try RawHTTPClient.get(SubscriberServer.healthPath, port: fixture.port).status, 200)
        XCTAssertEqual(fixture.confirmations().count, 0)
    }

    /// The confirmation's templates are loaded once per server, not per request, and loaded again when
    /// templates/ changes (checked at most once per `templateRecheckInterval`).
    func testConfirmationTemplatesAreLoadedOnceAndReloadedWhenEdited() async throws {
        try PythonTools.require(["aiosmtpd"])
        let smtp = try TestSMTPServer.start()
        let directory = try TemporaryDirectory("optin-templates")
        addTeardownBlock {
            smtp.stop()
            directory.remove()
        }
        try directory.copy(from: TestPaths.fixtures.appendingPathComponent("projects/minimal"))
        func writeTemplate(_ marker: String) throws {
            try directory.write("{{% CONTENT_TYPE: TEXT}}\n\(marker) {{subscriber.email}}: {{confirm_url}}\n", to: "templates/confirm.txt")
        }
        try writeTemplate("FIRST-TEMPLATE")
        let project = try Project(root: directory.url)
        let transport = try Transports.make(via: "smtp://127.0.0.1:\(smtp.port)?tls=none", configuration: project.configuration,
                                            caFile: nil, environment: [:], projectRoot: project.root)
        let optIn = try DoubleOptIn(project: project, secret: secret, events: EventsFile(directory: directory.url.appendingPathComponent("events")),
                                    transports: [transport], signer: nil)
        optIn.templateRecheckInterval = 3600  // no look at templates/ during the first requests
        let server = SubscriberServer(project: project, unsubscriber: Unsubscriber(secret: secret, events: optIn.events), optIn: optIn,
                                      options: .init(host: "127.0.0.1", port: 0, requestsPerMinute: 0))
        let base = try await server.start()
        addTeardownBlock { await server.stop() }
        let fixture = Fixture(directory: directory, project: project, port: base.port ?? 0, smtp: smtp)

        for index in 0..<4 {
            XCTAssertEqual(try fixture.post("/subscribe", body: "email=reader\(index)%40example.org").status, 200)
        }
        XCTAssertEqual(optIn.templateLoads, 1, "four requests, one load")
        try writeTemplate("SECOND-TEMPLATE")
        XCTAssertEqual(try fixture.post("/subscribe", body: "email=reader4%40example.org").status, 200)
        XCTAssertEqual(optIn.templateLoads, 1, "not looked at again within the interval")

        optIn.templateRecheckInterval = 0
        XCTAssertEqual(try fixture.post("/subscribe", body: "email=reader5%40example.org").status, 200)
        XCTAssertEqual(try fixture.post("/subscribe", body: "email=reader6%40example.org").status, 200)
        XCTAssertEqual(optIn.templateLoads, 2, "the edit is seen once; an unchanged folder is not loaded again")
        let texts = try smtp.receivedMessages().map { String(decoding: $0.content, as: UTF8.self) }
        XCTAssertEqual(texts.count, 7)
        XCTAssertEqual(texts.map { $0.contains("FIRST-TEMPLATE") }, [true, true, true, true, true, false, false])
        XCTAssertTrue(texts[5].contains("SECOND-TEMPLATE reader5@example.org"), texts[5])

        // A template broken by an edit: the form says "try again later", nothing crashes, the fix is picked up.
        try directory.write("{{% CONTENT_TYPE: TEXT}}\n{{#unclosed}} {{confirm_url}}\n", to: "templates/confirm.txt")
        XCTAssertEqual(try fixture.post("/subscribe", body: "email=reader7%40example.org").status, 503)
        try writeTemplate("THIRD-TEMPLATE")
        XCTAssertEqual(try fixture.post("/subscribe", body: "email=reader8%40example.org").status, 200)
        XCTAssertTrue(try smtp.receivedMessages().last.map { String(decoding: $0.content, as: UTF8.self).contains("THIRD-TEMPLATE") } ?? false)
    }

    /// The consent record's client: forged Forwarded / X-Forwarded-For headers from a peer that is not a trusted
    /// proxy change nothing; from a trusted one (`serve.trusted_proxies`), the address it names is recorded.
    func testConsentSourceTakesTheForwardedClientOnlyFromATrustedProxy() async throws {
        let forged = "X-Forwarded-For: 198.51.100.66\r\nForwarded: for=198.51.100.67\r\n"
        let untrusted = try await start(trustedProxies: ["10.0.0.0/8"])
        XCTAssertEqual(try untrusted.post("/subscribe", body: "email=ada%40example.org").status, 200)
        XCTAssertEqual(try untrusted.post("/confirm/\(try untrusted.token(inMessage: 0))", body: "confirm=yes", headers: forged).status, 200)
        XCTAssertEqual(untrusted.confirmations().map { String($0.source.split(separator: " ").last ?? "") }, ["127.0.0.1"],
                       "the peer (loopback, not listed) is the client, whatever it claims")

        let behindProxy = try await start(trustedProxies: ["127.0.0.1"])
        XCTAssertEqual(try behindProxy.post("/subscribe", body: "email=bob%40example.org").status, 200)
        let proxied = "Forwarded: for=6.6.6.6, for=\"[2001:db8::7]:443\";proto=https\r\nX-Forwarded-For: 198.51.100.66\r\n"
        XCTAssertEqual(try behindProxy.post("/confirm/\(try behindProxy.token(inMessage: 0))", body: "confirm=yes", headers: proxied).status, 200)
        XCTAssertEqual(behindProxy.confirmations().map { String($0.source.split(separator: " ").last ?? "") }, ["2001:db8::7"],
                       "the entry the trusted proxy appended, not the one the client wrote first")
    }

    /// The per-client limit counts the peer when forged headers come from an untrusted one: a flood cannot spread
    /// itself over made-up addresses.
    func testForgedForwardedForFromAnUntrustedPeerDoesNotEscapeTheRateLimit() async throws {
        let fixture = try await start(requestsPerMinute: 3)
        let statuses = try (0..<5).map { index in
            try fixture.post("/subscribe", body: "email=flood\(index)%40example.org", headers: "X-Forwarded-For: 198.51.100.\(index)\r\n").status
        }
        XCTAssertEqual(statuses, [200, 200, 200, 429, 429])
    }
}
