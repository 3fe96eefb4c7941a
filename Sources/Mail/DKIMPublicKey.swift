// A DKIM public key as a DNS key record publishes it (`k=` and the bytes of `p=`), loaded by OpenSSL so
// its size can be read and it can be compared with a private key. Parsing the record's tags is the caller's.
internal import COpenSSL

/// A published DKIM public key: RSA (SubjectPublicKeyInfo, RFC 6376 §3.6.1) or Ed25519 (raw, RFC 8463 §4).
public final class DKIMPublicKey: @unchecked Sendable {
    /// The key type, as `k=` names it.
    public enum KeyType: String, Sendable { case rsa, ed25519 }

    private let key: OpaquePointer
    /// The key type.
    public let type: KeyType
    /// The key size in bits (256 for Ed25519).
    public let bits: Int

    /// Loads the decoded bytes of `p=` for key type `type`; throws when OpenSSL cannot read them.
    public init(type: KeyType, data: [UInt8]) throws {
        OpenSSLError.clearQueue()
        let operation = "read the published DKIM \(type.rawValue) key"
        let loaded: OpaquePointer?
        switch type {
        case .rsa:
            // Some generators publish a bare PKCS #1 RSAPublicKey instead of the SubjectPublicKeyInfo RFC 6376
            // asks for; verifiers accept both (OpenDKIM does), so do we.
            loaded = data.withUnsafeBufferPointer { buffer -> OpaquePointer? in
                var cursor = buffer.baseAddress
                if let key = d2i_PUBKEY(nil, &cursor, buffer.count) { return key }
                OpenSSLError.clearQueue()
                cursor = buffer.baseAddress
                return d2i_PublicKey(EVP_PKEY_RSA, nil, &cursor, buffer.count)
            }
        case .ed25519:
            loaded = data.withUnsafeBufferPointer { buffer in
                EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, buffer.baseAddress, buffer.count)
            }
        }
        guard let loaded else { throw OpenSSLError.drain(operation) }
        let actual = EVP_PKEY_get_base_id(loaded)
        guard actual == (type == .rsa ? EVP_PKEY_RSA : EVP_PKEY_ED25519) else {
            EVP_PKEY_free(loaded)
            throw MailError(.unsupportedKeyType("#\(actual) published as k=\(type.rawValue)"))
        }
        self.key = loaded
        self.type = type
        self.bits = Int(EVP_PKEY_get_bits(loaded))
    }

    deinit { EVP_PKEY_free(key) }

    /// Whether this is the public half of `privateKey` (OpenSSL's `EVP_PKEY_eq` compares the public parts).
    public func matches(_ privateKey: SigningKey) -> Bool {
        let equal = withExtendedLifetime(self) { privateKey.withKey { EVP_PKEY_eq(key, $0) } }
        OpenSSLError.clearQueue()
        return equal == 1
    }
}
