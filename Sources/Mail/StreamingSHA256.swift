// SHA-256 over data that arrives in pieces (a large subscriber list read in chunks), through OpenSSL's EVP API.
internal import COpenSSL

/// An incremental SHA-256; owns its EVP_MD_CTX.
public final class StreamingSHA256 {
    private let context: OpaquePointer?
    private var failed = false

    public init() {
        context = EVP_MD_CTX_new()
        if context == nil || EVP_DigestInit_ex(context, Digest.sha256MD, nil) != 1 { failed = true }
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Adds `bytes` to the hash.
    public func update(_ bytes: UnsafeRawBufferPointer) {
        guard !failed, bytes.count > 0 else { return }
        if EVP_DigestUpdate(context, bytes.baseAddress, bytes.count) != 1 { failed = true }
    }

    /// The hash as lower-case hex; throws when OpenSSL failed at any step.
    public func finalizeHex() throws -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        guard !failed, EVP_DigestFinal_ex(context, &digest, &length) == 1, length == 32 else {
            throw OpenSSLError.drain("compute SHA-256 of a file")
        }
        let hex = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in digest {
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
