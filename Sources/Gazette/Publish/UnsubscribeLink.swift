// The per-recipient unsubscribe URL: the configured page with one opaque token, the address and list sealed
// with AES-256-GCM (UnsubscribeToken), so the page can act without a database and no URL names the recipient.
// Links of issues sent before (`list=…&email=…&token=<HMAC-SHA256>`) still verify: see `target(token:email:list:)`.
import Foundation
import Mail

/// Makes and checks unsubscribe tokens.
public struct UnsubscribeLink: Sendable {
    public let baseURL: String?
    public let mailto: String?
    let secret: String
    /// Nil only if OpenSSL cannot derive the keys; `links` then throws and `target` finds nothing.
    let sealer: UnsubscribeToken?

    public init(baseURL: String?, mailto: String?, secret: String) {
        self.baseURL = baseURL
        self.mailto = mailto
        self.secret = secret
        self.sealer = try? UnsubscribeToken(secret: secret)
    }

    /// The opaque token of `address` on `list`, as the links carry it.
    public func sealedToken(address: String, list: String) throws -> String {
        guard let sealer else { throw OpenSSLError.drain("derive the unsubscribe token keys") }
        return try sealer.seal(address: address, list: list)
    }

    /// The legacy token of links sent before the opaque form: the base64url HMAC-SHA256 of `address` and `list`.
    public func token(address: String, list: String) throws -> String {
        try MessageAuthentication.token(key: secret, message: AddressKey.normalize(address) + "\n" + list)
    }

    /// Whether `token` is the one for `address` and `list` (in constant time).
    public func verify(token: String, address: String, list: String) -> Bool {
        guard let expected = try? self.token(address: address, list: list) else { return false }
        return MessageAuthentication.constantTimeEquals(Array(expected.utf8), Array(token.utf8))
    }

    /// `https://…/unsubscribe?token=…` (the token opaque: no address in the URL).
    public func url(address: String, list: String) throws -> String? {
        try links(address: address, list: list).url
    }

    /// Both forms with one opaque token: the https URL and `mailto:unsubscribe@…?subject=unsubscribe%20<token>`.
    public func links(address: String, list: String) throws -> (url: String?, mailto: String?) {
        guard baseURL != nil || mailto != nil else { return (nil, nil) }
        let token = try sealedToken(address: address, list: list)  // base64url: nothing to escape
        let url = baseURL.map { base in base + (base.utf8.contains(UInt8(ascii: "?")) ? "&" : "?") + "token=" + token }
        let mailtoURL = mailto.map { target in "mailto:\(target)?subject=" + Self.queryEscape("unsubscribe \(token)") }
        return (url, mailtoURL)
    }

    /// Who a link's query asks to unsubscribe, or nil for a forged, moved or truncated token. An opaque token
    /// comes alone; a legacy link carries `email` and `list` beside its HMAC token, checked in constant time.
    public func target(token: String?, email: String?, list: String?) -> UnsubscribeTarget? {
        guard let token, !token.isEmpty else { return nil }
        if let email, let list {
            guard !email.isEmpty, !list.isEmpty, verify(token: token, address: email, list: list) else { return nil }
            return UnsubscribeTarget(address: AddressKey.normalize(email), list: list, form: .legacy)
        }
        guard email == nil, list == nil, let (address, list) = sealer?.open(token) else { return nil }
        return UnsubscribeTarget(address: address, list: list, form: .sealed)
    }

    /// Who an unsubscribe mail asks to leave, from its subject: `unsubscribe <token>` (opaque) or the legacy
    /// `unsubscribe <list> <address> <HMAC token>`; nil when the token does not verify.
    public func target(mailSubject subject: String) -> UnsubscribeTarget? {
        let words = subject.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let first = words.first, first.lowercased() == "unsubscribe" else { return nil }
        switch words.count {
        case 2: return target(token: words[1], email: nil, list: nil)
        case 4: return target(token: words[3], email: words[2], list: words[1])
        default: return nil
        }
    }

    /// Percent-encodes everything but unreserved characters (RFC 3986 §2.3).
    static func queryEscape(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count + 8)
        for byte in text.utf8 {
            if isUnreserved(byte) {
                output.append(byte)
            } else {
                output.append(contentsOf: [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// RFC 3986 §2.3: ALPHA / DIGIT / "-" / "." / "_" / "~".
    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
}
