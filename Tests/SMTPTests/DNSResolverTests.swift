// The resolver against a real DNS server on loopback (dnslib): record types, the negative answers
// told apart, faults (SERVFAIL, no reply, truncated, malformed, a stray id), and the TTL cache.
import Foundation
import GazetteTestSupport
import XCTest
@testable import SMTP

final class DNSResolverTests: XCTestCase {
    private func start(_ records: [TestDNSServer.Record], faults: [TestDNSServer.Fault: [String]] = [:],
                       soaMinimum: Int = 60) throws -> TestDNSServer {
        let server = try TestDNSServer.start(records: records, faults: faults, soaMinimum: soaMinimum)
        addTeardownBlock { server.stop() }
        return server
    }

    private func resolver(_ server: TestDNSServer, timeout: Double = 1, attempts: Int = 1, failureTTL: Int = 30) -> DNSResolver {
        DNSResolver(server: DNSServer(host: server.host, port: server.port), timeout: timeout, attempts: attempts,
                    failureTTL: failureTTL)
    }

    /// The DNSFailure `body` threw (nil when it returned, or threw something else).
    private func failure<T>(_ body: () throws -> T) -> DNSFailure? {
        do {
            _ = try body()
            return nil
        } catch {
            return error as? DNSFailure
        }
    }

    func testMXRecordsComeInPreferenceOrderWithTheirTTL() throws {
        let server = try start([
            .init("example.test", "MX", "20 backup.example.test", ttl: 600),
            .init("example.test", "MX", "10 mx2.example.test", ttl: 300),
            .init("example.test", "MX", "10 MX1.example.test", ttl: 300),
        ])
        let answer = try resolver(server).mx("Example.TEST.")
        XCTAssertEqual(answer.value, [MXRecord(preference: 10, exchange: "mx1.example.test"),
                                      MXRecord(preference: 10, exchange: "mx2.example.test"),
                                      MXRecord(preference: 20, exchange: "backup.example.test")])
        XCTAssertEqual(answer.ttl, 300)
    }

    func testNullMXIsARecordWithAnEmptyExchange() throws {
        let server = try start([.init("nomail.test", "MX", "0 .")])
        let answer = try resolver(server).mx("nomail.test")
        XCTAssertEqual(answer.value.count, 1)
        XCTAssertTrue(answer.value[0].isNull)
        XCTAssertEqual(answer.value[0].exchange, "")
    }

    func testNXDOMAINAndNoDataAreTold() throws {
        let server = try start([.init("web.test", "A", "192.0.2.1")])
        let dns = resolver(server)
        XCTAssertEqual(failure { try dns.mx("missing.test") }, .noSuchDomain("missing.test"))
        XCTAssertEqual(failure { try dns.mx("web.test") }, .noData("web.test"))
        XCTAssertEqual(failure { try dns.addresses("missing.test") }, .noSuchDomain("missing.test"))
        XCTAssertTrue(failure { try dns.mx("missing.test") }?.isPermanent == true)
    }

    func testAddressesGiveIPv4ThenIPv6() throws {
        let server = try start([
            .init("host.test", "AAAA", "2001:db8::25"),
            .init("host.test", "A", "192.0.2.25", ttl: 120),
            .init("v6only.test", "AAAA", "2001:db8::1"),
        ])
        let dns = resolver(server)
        let answer = try dns.addresses("host.test")
        XCTAssertEqual(answer.value, ["192.0.2.25", "2001:db8::25"])
        XCTAssertEqual(answer.ttl, 120)
        XCTAssertEqual(try dns.addresses("v6only.test").value, ["2001:db8::1"])
    }

    func testTXTJoinsTheStringsOfEachRecord() throws {
        let server = try start([
            .txt("example.test", ["v=spf1 ip4:192.0.2.0/24 ", "include:_spf.example.org -all"]),
            .txt("example.test", ["google-site-verification=abc"]),
        ])
        let texts = try resolver(server).txt("example.test").value.sorted()
        XCTAssertEqual(texts, ["google-site-verification=abc", "v=spf1 ip4:192.0.2.0/24 include:_spf.example.org -all"])
    }

    func testPTRForIPv4AndIPv6() throws {
        let server = try start([
            .init("25.2.0.192.in-addr.arpa", "PTR", "mail.example.test"),
            .init("5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa", "PTR", "mail6.example.test"),
        ])
        let dns = resolver(server)
        XCTAssertEqual(try dns.ptr("192.0.2.25").value, ["mail.example.test"])
        XCTAssertEqual(try dns.ptr("2001:db8::25").value, ["mail6.example.test"])
        XCTAssertEqual(failure { try dns.ptr("not-an-address") }, .noSuchDomain("not-an-address (not an IP address)"))
    }

    func testServerFailureAndRefused() throws {
        let server = try start([], faults: [.servfail: ["broken.test"], .refused: ["closed.test"]])
        let dns = resolver(server, attempts: 2)
        guard case .serverFailure(let text)? = failure({ try dns.mx("broken.test") }) else { return XCTFail("expected SERVFAIL") }
        XCTAssertTrue(text.contains("SERVFAIL"), text)
        guard case .serverFailure(let refused)? = failure({ try dns.txt("closed.test") }) else { return XCTFail("expected REFUSED") }
        XCTAssertTrue(refused.contains("REFUSED"), refused)
        XCTAssertEqual(server.questions().filter { $0.hasPrefix("broken.test") }.count, 2, "two attempts")
    }

    func testNoReplyTimesOutWithinTheLimit() throws {
        let server = try start([], faults: [.timeout: ["slow.test"], .wrongID: ["spoofed.test"]])
        let dns = resolver(server, timeout: 0.3, attempts: 2)
        let started = Date()
        guard case .timeout(let text)? = failure({ try dns.mx("slow.test") }) else { return XCTFail("expected a timeout") }
        XCTAssertLessThan(Date().timeIntervalSince(started), 3)
        XCTAssertTrue(text.contains(server.address), text)
        // A reply with another id is not ours: ignored, so this too ends in a timeout.
        guard case .timeout? = failure({ try dns.mx("spoofed.test") }) else { return XCTFail("a reply with a wrong id was taken") }
    }

    func testNobodyListeningIsResolverUnavailable() throws {
        let port = try ServerProcess.freePort()
        let dns = DNSResolver(server: DNSServer(host: "127.0.0.1", port: port), timeout: 0.5, attempts: 1)
        let error = failure { try dns.mx("example.test") }
        switch error {
        case .resolverUnavailable?, .timeout?: break
        default: XCTFail("unexpected \(String(describing: error))")
        }
    }

    func testTruncatedAnswerIsFetchedOverTCP() throws {
        let server = try start([.init("big.test", "MX", "10 mx.big.test")],
                               faults: [.truncate: ["big.test"], .truncateAlways: ["hopeless.test"]])
        let dns = resolver(server)
        XCTAssertEqual(try dns.mx("big.test").value, [MXRecord(preference: 10, exchange: "mx.big.test")])
        XCTAssertEqual(server.questions().filter { $0.hasPrefix("big.test") }, ["big.test MX udp", "big.test MX tcp"])
        guard case .malformedAnswer(let text)? = failure({ try dns.mx("hopeless.test") }) else { return XCTFail("expected malformed") }
        XCTAssertTrue(text.contains("truncated"), text)
    }

    func testMalformedAnswerIsAnErrorNotACrash() throws {
        let server = try start([], faults: [.malformed: ["garbage.test"]])
        guard case .malformedAnswer? = failure({ try resolver(server).mx("garbage.test") }) else { return XCTFail("expected malformed") }
    }

    func testMalformedBytesNeverCrashTheParser() throws {
        // Every prefix of a valid reply and some bit flips: each parses or throws malformedAnswer.
        var reply: [UInt8] = [0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 7]
        reply += Array("example".utf8)
        reply.append(4)
        reply += Array("test".utf8)
        reply += [0, 0, 15, 0, 1]
        let record: [UInt8] = [0xC0, 0x0C, 0, 15, 0, 1, 0, 0, 1, 44, 0, 7, 0, 10, 2, 0x6D, 0x78, 0xC0, 0x0C]
        reply += record
        XCTAssertEqual(try DNSMessage(reply, name: "x").answers.first?.data, .mx(preference: 10, exchange: "mx.example.test"))
        for length in 0..<reply.count { _ = try? DNSMessage(Array(reply.prefix(length)), name: "x") }
        var loop = reply
        let end = loop.count - 2
        loop[end] = 0xC0
        loop[end + 1] = UInt8(end)  // a compression pointer to itself
        XCTAssertThrowsError(try DNSMessage(loop, name: "x"))
        for index in 12..<reply.count {
            for bit in 0..<8 {
                var flipped = reply
                flipped[index] ^= UInt8(1 << bit)
                _ = try? DNSMessage(flipped, name: "x")
            }
        }
    }

    func testAnswersAreCachedForTheirTTL() throws {
        let server = try start([.init("cached.test", "MX", "10 mx.cached.test", ttl: 1),
                                .init("long.test", "MX", "10 mx.long.test", ttl: 3600)])
        let dns = resolver(server)
        for _ in 0..<50 { XCTAssertEqual(try dns.mx("long.test").value.count, 1) }
        XCTAssertEqual(dns.statistics, DNSStatistics(lookups: 1, cacheHits: 49))
        _ = try dns.mx("cached.test")
        _ = try dns.mx("CACHED.test.")
        XCTAssertEqual(server.questions().filter { $0.hasPrefix("cached.test") }.count, 1)
        Thread.sleep(forTimeInterval: 1.2)
        _ = try dns.mx("cached.test")
        XCTAssertEqual(server.questions().filter { $0.hasPrefix("cached.test") }.count, 2, "asked again after the TTL")
    }

    func testNegativeAnswersAndFailuresAreCachedToo() throws {
        let server = try start([.init("web.test", "A", "192.0.2.1")], faults: [.servfail: ["down.test"]], soaMinimum: 300)
        let dns = resolver(server)
        for _ in 0..<5 {
            _ = failure { try dns.mx("missing.test") }
            _ = failure { try dns.mx("web.test") }
            _ = failure { try dns.mx("down.test") }
        }
        XCTAssertEqual(server.questions().count, 3)
        XCTAssertEqual(dns.statistics.lookups, 3)
    }

    func testConcurrentLookupsOfOneNameAskOnce() throws {
        let server = try start([.init("busy.test", "MX", "10 mx.busy.test")])
        let dns = resolver(server)
        DispatchQueue.concurrentPerform(iterations: 16) { _ in _ = try? dns.mx("busy.test") }
        XCTAssertEqual(server.questions().count, 1)
        XCTAssertEqual(dns.statistics.lookups, 1)
    }

    func testTheCacheIsCapped() throws {
        let server = try start((0..<20).map { .init("d\($0).test", "MX", "10 mx.d\($0).test") })
        let dns = DNSResolver(server: DNSServer(host: server.host, port: server.port), timeout: 1, attempts: 1, cacheLimit: 5)
        for index in 0..<20 { _ = try dns.mx("d\(index).test") }
        _ = try dns.mx("d19.test")
        XCTAssertEqual(dns.statistics, DNSStatistics(lookups: 20, cacheHits: 1))
        _ = try dns.mx("d0.test")
        XCTAssertEqual(dns.statistics.lookups, 21, "the oldest entry was evicted")
    }

    func testServerAddressesParse() throws {
        XCTAssertEqual(try DNSServer(parsing: "127.0.0.1:5353"), DNSServer(host: "127.0.0.1", port: 5353))
        XCTAssertEqual(try DNSServer(parsing: "[::1]:53"), DNSServer(host: "::1", port: 53))
        XCTAssertEqual(try DNSServer(parsing: "9.9.9.9"), DNSServer(host: "9.9.9.9"))
        XCTAssertEqual(try DNSServer(parsing: "2001:db8::53"), DNSServer(host: "2001:db8::53"))
        XCTAssertEqual(DNSServer(host: "::1", port: 5353).description, "[::1]:5353")
        for bad in ["dns.example.org", "127.0.0.1:0", "127.0.0.1:x", "[::1", "[::1]x", ""] {
            XCTAssertThrowsError(try DNSServer(parsing: bad), bad)
        }
    }

    func testTheSystemResolverReadsResolvConf() {
        let dns = DNSResolver()
        // resolv.conf may be missing in a sandbox; then every look-up says so instead of crashing.
        if dns.servers.isEmpty {
            guard case .resolverUnavailable? = failure({ try dns.mx("example.org") }) else { return XCTFail("expected unavailable") }
        } else {
            XCTAssertTrue(dns.servers.allSatisfy { DNSServer.family(of: $0.host) != nil })
        }
    }

    func testNamesDNSCannotHoldAreRefusedBeforeAsking() {
        let dns = DNSResolver(server: DNSServer(host: "127.0.0.1", port: 9), timeout: 0.2, attempts: 1)
        XCTAssertEqual(failure { try dns.mx("a..test") }, .noSuchDomain("a..test"))
        XCTAssertEqual(failure { try dns.mx(String(repeating: "a", count: 64) + ".test") }, .noSuchDomain(String(repeating: "a", count: 64) + ".test"))
        XCTAssertEqual(failure { try dns.mx("bad name.test") }, .noSuchDomain("bad name.test"))
    }
}
