// The opaque unsubscribe token: the address and the list sealed with AES-256-GCM, so a link names nobody in
// proxy logs or referrers. Keys are derived from GAZETTE_UNSUBSCRIBE_SECRET; the tag authenticates the token.
import Foundation
import Mail

/// Seals and opens unsubscribe tokens (`base64url(version ‖ nonce ‖ ciphertext ‖ tag)`).
///
/// Two keys are derived from the secret with HMAC-SHA256 under distinct labels (a PRF as a KDF, as
/// HKDF-Expand does with one block): one encrypts, one makes the nonce. The nonce is the HMAC of the plaintext
/// (a synthetic IV, as in RFC 5297's SIV idea), so a recipient's link is the same in every run and preview,
/// and two different plaintexts never share a nonce except by a 2⁻⁹⁶ collision. The version byte is the
/// associated data: a token of a later format cannot be taken for this one.
public struct UnsubscribeToken: Sendable {
    static let version: UInt8 = 1
    private let encryptionKey: [UInt8]
    private let nonceKey: [UInt8]

    public init(secret: String) throws {
        try self.init(secret: secret, purpose: "unsubscribe")
    }

    /// Keys of their own for each `purpose` (`unsubscribe`, `confirmation`): a token made for one never opens as another.
    init(secret: String, purpose: String) throws {
        let secretBytes = Array(secret.utf8)
        encryptionKey = try MessageAuthentication.hmacSHA256(key: secretBytes, message: Array("gazette \(purpose) token v1: AES-256-GCM key".utf8))
        nonceKey = try MessageAuthentication.hmacSHA256(key: secretBytes, message: Array("gazette \(purpose) token v1: nonce key".utf8))
    }

    /// The token for `address` (normalised, as AddressKey does) on `list`.
    public func seal(address: String, list: String) throws -> String {
        try seal(text: AddressKey.normalize(address) + "\n" + list)
    }

    /// The address and list inside `token`, or nil when it is not one of ours: forged, altered, truncated, made
    /// with another secret, or not base64url at all.
    public func open(_ token: String) -> (address: String, list: String)? {
        guard let text = open(text: token), let newline = text.firstIndex(of: "\n") else { return nil }
        let address = String(text[..<newline]), list = String(text[text.index(after: newline)...])
        guard !address.isEmpty, !list.isEmpty else { return nil }
        return (address, list)
    }

    /// `text` sealed into a token.
    func seal(text: String) throws -> String {
        let plaintext = Array(text.utf8)
        let nonce = Array(try MessageAuthentication.hmacSHA256(key: nonceKey, message: plaintext).prefix(AuthenticatedEncryption.nonceSize))
        let sealed = try AuthenticatedEncryption.sealAES256GCM(plaintext, key: encryptionKey, nonce: nonce, associatedData: [Self.version])
        return Base64.encodeURLSafe([Self.version] + nonce + sealed)
    }

    /// The text sealed in `token`, or nil when the token is not one of ours (for this purpose).
    func open(text token: String) -> String? {
        guard token.utf8.count <= 2048, let bytes = Self.decodeURLSafe(token),
              bytes.count > 1 + AuthenticatedEncryption.nonceSize + AuthenticatedEncryption.tagSize,
              bytes[0] == Self.version else { return nil }
        let nonce = Array(bytes[1...AuthenticatedEncryption.nonceSize])
        let sealed = Array(bytes[(1 + AuthenticatedEncryption.nonceSize)...])
        guard let plaintext = AuthenticatedEncryption.openAES256GCM(sealed, key: encryptionKey, nonce: nonce, associatedData: [Self.version]),
              let text = String(validating: plaintext, as: UTF8.self) else { return nil }
        return text
    }

    /// base64url without padding (RFC 4648 §5) to bytes; nil for any other character or an impossible length.
    static func decodeURLSafe(_ text: String) -> [UInt8]? {
        guard text.utf8.allSatisfy({ byte in
            (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) || byte == 0x2D || byte == 0x5F
        }), text.utf8.count % 4 != 1 else { return nil }
        var standard = String(text.map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 })
        standard += String(repeating: "=", count: (4 - standard.utf8.count % 4) % 4)
        return Data(base64Encoded: standard).map { Array($0) }
    }
}
