// Who the client is behind proxies: Forwarded (RFC 7239 §4's examples) and X-Forwarded-For read from the
// right, believed only from a trusted peer, never past an entry that is not an address.
import Gazette
import HTTPTypes
import XCTest
@testable import GazetteServer

final class ClientAddressTests: XCTestCase {
    let clients = ClientAddress(trusted: ["127.0.0.1", "10.0.0.0/8", "::1"].compactMap(IPRange.init))

    func headers(_ fields: [(String, String)]) -> HTTPFields {
        var headers = HTTPFields()
        for (name, value) in fields { headers[HTTPField.Name(name)!] = value }
        return headers
    }

    func testForwardedElementsAsRFC7239WritesThem() {
        XCTAssertEqual(ClientAddress.forwardedFor("for=\"_gazonk\""), ["_gazonk"])
        XCTAssertEqual(ClientAddress.forwardedFor("For=\"[2001:db8:cafe::17]:4711\""), ["2001:db8:cafe::17"])
        XCTAssertEqual(ClientAddress.forwardedFor("for=192.0.2.60;proto=http;by=203.0.113.43"), ["192.0.2.60"])
        XCTAssertEqual(ClientAddress.forwardedFor("for=192.0.2.43, for=198.51.100.17"), ["192.0.2.43", "198.51.100.17"])
        XCTAssertEqual(ClientAddress.forwardedForList(" 203.0.113.9 ,10.0.0.2, "), ["203.0.113.9", "10.0.0.2"])
        XCTAssertEqual(ClientAddress.strip("192.0.2.1:8080"), "192.0.2.1")
    }

    func testHeadersAreBelievedOnlyFromATrustedPeer() {
        let forged = headers([("X-Forwarded-For", "198.51.100.66"), ("Forwarded", "for=198.51.100.67")])
        XCTAssertEqual(clients.client(peer: "203.0.113.5", headers: forged), "203.0.113.5", "an untrusted peer is its own client")
        XCTAssertEqual(clients.client(peer: "127.0.0.1", headers: headers([("X-Forwarded-For", "198.51.100.66")])), "198.51.100.66")
        XCTAssertEqual(clients.client(peer: "::ffff:127.0.0.1", headers: headers([("X-Forwarded-For", "198.51.100.66")])), "198.51.100.66",
                       "IPv4-mapped loopback is loopback")
        XCTAssertEqual(clients.client(peer: "127.0.0.1", headers: HTTPFields()), "127.0.0.1", "no header: the proxy itself")
        XCTAssertEqual(clients.client(peer: nil, headers: forged), nil)
    }

    func testTheChainIsReadFromTheRightPastTrustedHopsOnly() {
        // The client put a forged entry first; the outer proxy (10.0.0.2) appended the real client, the inner one (127.0.0.1) appended 10.0.0.2.
        XCTAssertEqual(clients.client(peer: "127.0.0.1", headers: headers([("X-Forwarded-For", "6.6.6.6, 203.0.113.7, 10.0.0.2")])), "203.0.113.7")
        XCTAssertEqual(clients.client(peer: "127.0.0.1", headers: headers([("Forwarded", "for=6.6.6.6, for=\"[2001:db8::7]:443\";proto=https, for=10.0.0.2")])),
                       "2001:db8::7", "Forwarded wins over X-Forwarded-For when both are there")
        XCTAssertEqual(clients.client(peer: "127.0.0.1", headers: headers([("Forwarded", "for=unknown, for=10.0.0.2")])), "127.0.0.1",
                       "an obfuscated hop: the peer, not a guess")
        XCTAssertEqual(clients.client(peer: "127.0.0.1", headers: headers([("X-Forwarded-For", "10.0.0.3, 10.0.0.2")])), "10.0.0.3",
                       "every hop trusted: the first")
    }
}
