// HMAC-SHA256 through OpenSSL, for unsubscribe tokens, and a constant-time comparison to check them.
internal import COpenSSL

/// Message authentication codes for tokens in URLs.
public enum MessageAuthentication {
    /// HMAC-SHA256 of `message` under `key` (32 bytes).
    public static func hmacSHA256(key: [UInt8], message: [UInt8]) throws -> [UInt8] {
        var mac = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        // Empty arrays may have no storage; OpenSSL wants real pointers even for zero lengths.
        let keyStorage = key.isEmpty ? [0] : key, messageStorage = message.isEmpty ? [0] : message
        let result = keyStorage.withUnsafeBufferPointer { keyBytes in
            messageStorage.withUnsafeBufferPointer { messageBytes in
                mac.withUnsafeMutableBufferPointer { output in
                    HMAC(EVP_sha256(), keyBytes.baseAddress, Int32(key.count), messageBytes.baseAddress, message.count,
                         output.baseAddress, &length)
                }
            }
        }
        guard result != nil, length == 32 else { throw OpenSSLError.drain("compute HMAC-SHA256") }
        return mac
    }

    /// HMAC-SHA256 of the UTF-8 of `message` under the UTF-8 of `key`, as base64url without padding
    /// (43 characters, safe in a URL path or query).
    public static func token(key: String, message: String) throws -> String {
        Base64.encodeURLSafe(try hmacSHA256(key: Array(key.utf8), message: Array(message.utf8)))
    }

    /// Compares two MACs in time independent of where they differ (`CRYPTO_memcmp`).
    public static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        if lhs.isEmpty { return true }
        return lhs.withUnsafeBytes { a in rhs.withUnsafeBytes { b in CRYPTO_memcmp(a.baseAddress, b.baseAddress, a.count) == 0 } }
    }
}
