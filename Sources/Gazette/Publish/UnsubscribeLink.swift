// The per-recipient unsubscribe URL: the configured page with the address, the list and an HMAC-SHA256 token
// over both (secret from GAZETTE_UNSUBSCRIBE_SECRET), so the page can act without a database lookup of trust.
import Foundation
import Mail

/// Makes and checks unsubscribe tokens.
public struct UnsubscribeLink: Sendable {
    public let baseURL: String?
    public let mailto: String?
    let secret: String

    public init(baseURL: String?, mailto: String?, secret: String) {
        self.baseURL = baseURL
        self.mailto = mailto
        self.secret = secret
    }

    /// The base64url HMAC-SHA256 of `address` and `list`.
    public func token(address: String, list: String) throws -> String {
        try MessageAuthentication.token(key: secret, message: AddressKey.normalize(address) + "\n" + list)
    }

    /// Whether `token` is the one for `address` and `list` (in constant time).
    public func verify(token: String, address: String, list: String) -> Bool {
        guard let expected = try? self.token(address: address, list: list) else { return false }
        return MessageAuthentication.constantTimeEquals(Array(expected.utf8), Array(token.utf8))
    }

    /// `https://…/unsubscribe?list=main&email=ada%40example.org&token=…`
    public func url(address: String, list: String) throws -> String? {
        try links(address: address, list: list).url
    }

    /// Both forms with one token: the https URL and `mailto:unsubscribe@…?subject=unsubscribe <list> <address> <token>`.
    public func links(address: String, list: String) throws -> (url: String?, mailto: String?) {
        guard baseURL != nil || mailto != nil else { return (nil, nil) }
        let token = try token(address: address, list: list)
        let url = baseURL.map { base in
            base + (base.contains("?") ? "&" : "?") + "list=" + Self.queryEscape(list) + "&email=" + Self.queryEscape(address)
                + "&token=" + token
        }
        let mailtoURL = mailto.map { target in
            "mailto:\(target)?subject=" + Self.queryEscape("unsubscribe \(list) \(AddressKey.normalize(address)) \(token)")
        }
        return (url, mailtoURL)
    }

    /// Percent-encodes everything but unreserved characters (RFC 3986 §2.3).
    static func queryEscape(_ text: String) -> String {
        let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
        let hex = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        for byte in text.utf8 {
            if unreserved.contains(byte) {
                output.append(byte)
            } else {
                output.append(contentsOf: [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
