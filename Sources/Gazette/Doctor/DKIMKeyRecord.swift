// A DKIM key record (RFC 6376 §3.6.1): the tag list at `<selector>._domainkey.<domain>`, parsed into its
// version, key type, flags and public key bytes. Loading the key itself is Mail's DKIMPublicKey.
import Foundation
import Mail

struct DKIMKeyRecord: Sendable, Equatable {
    typealias SyntaxError = TagList.SyntaxError

    var tags: TagList
    /// `k=`, rsa when absent.
    var keyType: String
    /// The base64 of `p=`, whitespace removed; empty for a revoked key.
    var publicKeyBase64: String
    /// `t=y`: the domain is testing DKIM, and verifiers may treat failures as unsigned.
    var testing: Bool

    var isRevoked: Bool { publicKeyBase64.isEmpty }

    init(_ text: String) throws(SyntaxError) {
        tags = try TagList(text)
        if let version = tags["v"] {
            guard tags.names.first == "v" else { throw SyntaxError(description: "v= must be the first tag") }
            guard version == "DKIM1" else { throw SyntaxError(description: "v=\(version); expected v=DKIM1") }
        }
        guard let key = tags["p"] else { throw SyntaxError(description: "no p= tag (the public key)") }
        publicKeyBase64 = String(key.filter { !$0.isWhitespace })
        guard publicKeyBase64.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+/=".contains($0)) }) else {
            throw SyntaxError(description: "p= is not base64")
        }
        keyType = (tags["k"] ?? "rsa").lowercased()
        testing = (tags["t"] ?? "").split(separator: ":").contains { $0.trimmingCharacters(in: .whitespacesAndNewlines) == "y" }
    }

    /// The published key loaded by OpenSSL.
    func publicKey() throws -> DKIMPublicKey {
        guard let type = DKIMPublicKey.KeyType(rawValue: keyType) else {
            throw SyntaxError(description: "k=\(keyType) is not a key type DKIM verifiers know (rsa or ed25519)")
        }
        return try DKIMPublicKey(type: type, data: Base64.decode(Array(publicKeyBase64.utf8)))
    }
}
