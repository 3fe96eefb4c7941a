// AES-256-GCM through OpenSSL's EVP interface, for tokens that must hide what they carry (unsubscribe links).
// The tag is checked by OpenSSL (EVP_DecryptFinal_ex compares it with CRYPTO_memcmp, in constant time).
internal import COpenSSL

/// AES-256-GCM sealing and opening with a 96-bit nonce and a 128-bit tag (NIST SP 800-38D).
public enum AuthenticatedEncryption {
    public static let keySize = 32, nonceSize = 12, tagSize = 16

    /// `ciphertext ‖ tag` of `plaintext` under `key` (32 bytes) and `nonce` (12 bytes), authenticating `associatedData` too.
    public static func sealAES256GCM(_ plaintext: [UInt8], key: [UInt8], nonce: [UInt8], associatedData: [UInt8] = []) throws -> [UInt8] {
        guard key.count == keySize, nonce.count == nonceSize else {
            throw OpenSSLError(operation: "seal with AES-256-GCM (key of \(key.count) bytes, nonce of \(nonce.count))", entries: [])
        }
        OpenSSLError.clearQueue()
        guard let context = EVP_CIPHER_CTX_new() else { throw OpenSSLError.drain("create an AES-256-GCM context") }
        defer { EVP_CIPHER_CTX_free(context) }
        guard EVP_EncryptInit_ex(context, EVP_aes_256_gcm(), nil, key, nonce) == 1 else {
            throw OpenSSLError.drain("start AES-256-GCM encryption")
        }
        var length: Int32 = 0
        if !associatedData.isEmpty {
            guard EVP_EncryptUpdate(context, nil, &length, associatedData, Int32(associatedData.count)) == 1 else {
                throw OpenSSLError.drain("authenticate associated data with AES-256-GCM")
            }
        }
        // GCM is a stream mode: the ciphertext is as long as the plaintext, and Final writes nothing.
        var output = [UInt8](repeating: 0, count: plaintext.count + tagSize)
        var written: Int32 = 0
        if !plaintext.isEmpty {
            guard EVP_EncryptUpdate(context, &output, &written, plaintext, Int32(plaintext.count)) == 1 else {
                throw OpenSSLError.drain("encrypt with AES-256-GCM")
            }
        }
        var tail = [UInt8](repeating: 0, count: 16)
        guard EVP_EncryptFinal_ex(context, &tail, &length) == 1, Int(written) == plaintext.count, length == 0 else {
            throw OpenSSLError.drain("finish AES-256-GCM encryption")
        }
        var tag = [UInt8](repeating: 0, count: tagSize)
        guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, Int32(tagSize), &tag) == 1 else {
            throw OpenSSLError.drain("read the AES-256-GCM tag")
        }
        output.replaceSubrange(plaintext.count..., with: tag)
        return output
    }

    /// The plaintext of `sealed` (`ciphertext ‖ tag`), or nil when the tag does not match: a forged, altered or
    /// truncated token, another key, other associated data. Never throws for bad input, only returns nil.
    public static func openAES256GCM(_ sealed: [UInt8], key: [UInt8], nonce: [UInt8], associatedData: [UInt8] = []) -> [UInt8]? {
        guard key.count == keySize, nonce.count == nonceSize, sealed.count >= tagSize else { return nil }
        OpenSSLError.clearQueue()
        defer { OpenSSLError.clearQueue() }  // a failed tag check leaves nothing useful in the queue
        guard let context = EVP_CIPHER_CTX_new() else { return nil }
        defer { EVP_CIPHER_CTX_free(context) }
        guard EVP_DecryptInit_ex(context, EVP_aes_256_gcm(), nil, key, nonce) == 1 else { return nil }
        var length: Int32 = 0
        if !associatedData.isEmpty {
            guard EVP_DecryptUpdate(context, nil, &length, associatedData, Int32(associatedData.count)) == 1 else { return nil }
        }
        let ciphertext = Array(sealed.dropLast(tagSize))
        var tag = Array(sealed.suffix(tagSize))
        var output = [UInt8](repeating: 0, count: ciphertext.count + 16)
        var written: Int32 = 0
        if !ciphertext.isEmpty {
            guard EVP_DecryptUpdate(context, &output, &written, ciphertext, Int32(ciphertext.count)) == 1 else { return nil }
        }
        guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, Int32(tagSize), &tag) == 1 else { return nil }
        var tail = [UInt8](repeating: 0, count: 16)
        guard EVP_DecryptFinal_ex(context, &tail, &length) == 1 else { return nil }  // the tag check
        return Array(output.prefix(Int(written)))
    }
}
