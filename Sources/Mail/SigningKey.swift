// A DKIM private key loaded from PEM by OpenSSL and owned here: freed in deinit, lent out only inside
// closures. EVP_PKEY is reference-counted and read-only while signing, so one key serves many threads.
internal import COpenSSL

/// A private key for DKIM: RSA (at least 2048 bits) or Ed25519.
public final class SigningKey: @unchecked Sendable {
    /// The signature algorithms DKIM defines for our key types.
    public enum Algorithm: String, Sendable {
        /// RFC 6376 `rsa-sha256`.
        case rsaSHA256 = "rsa-sha256"
        /// RFC 8463 `ed25519-sha256`.
        case ed25519SHA256 = "ed25519-sha256"
    }

    /// Smallest RSA key accepted (RFC 8301 §3.2).
    public static let minimumRSABits = 2048

    private let key: OpaquePointer
    /// An EVP_MD_CTX set up for signing once and copied for each signature: a fresh
    /// EVP_DigestSignInit fetches algorithms under OpenSSL 3.0's global lock, which stops threads scaling.
    private let template: OpaquePointer?
    /// The algorithm this key signs with.
    public let algorithm: Algorithm
    /// The key size in bits (256 for Ed25519).
    public let bits: Int

    /// Loads a PEM private key (PKCS#8 `BEGIN PRIVATE KEY` or traditional `BEGIN RSA PRIVATE KEY`).
    /// `source` says where it came from and appears in errors ("GAZETTE_DKIM_KEY").
    /// A PEM whose line breaks arrived as literal `\n` (a common CI-secret mishap) is accepted too.
    public init(pem: String, source: String) throws {
        var text = pem
        if !text.contains("\n"), text.contains("\\n") { text = text.replacingAll("\\n", with: "\n") }
        OpenSSLError.clearQueue()
        let operation = "load DKIM key from \(source)"
        let bytes = Array(text.utf8)
        let loaded: OpaquePointer? = bytes.withUnsafeBytes { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
            defer { BIO_free(bio) }
            // A callback that supplies no password: an encrypted key fails instead of prompting on a terminal.
            return PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in 0 }, nil)
        }
        guard let loaded else { throw OpenSSLError.drain(operation) }
        let type = EVP_PKEY_get_base_id(loaded)
        switch type {
        case EVP_PKEY_RSA:
            let bits = Int(EVP_PKEY_get_bits(loaded))
            guard bits >= Self.minimumRSABits else {
                EVP_PKEY_free(loaded)
                throw MailError(.keyTooShort(bits: bits))
            }
            self.algorithm = .rsaSHA256
            self.bits = bits
        case EVP_PKEY_ED25519:
            self.algorithm = .ed25519SHA256
            self.bits = 256
        default:
            EVP_PKEY_free(loaded)
            throw MailError(.unsupportedKeyType(type == EVP_PKEY_EC ? "EC (ECDSA is not defined for DKIM)" : "#\(type)"))
        }
        self.key = loaded
        self.template = Self.makeTemplate(key: loaded, algorithm: algorithm)
    }

    deinit {
        EVP_MD_CTX_free(template)
        EVP_PKEY_free(key)
    }

    private static func makeTemplate(key: OpaquePointer, algorithm: Algorithm) -> OpaquePointer? {
        guard let context = EVP_MD_CTX_new() else { return nil }
        let digest = algorithm == .rsaSHA256 ? Digest.sha256MD : nil
        guard EVP_DigestSignInit(context, nil, digest, nil, key) == 1 else {
            EVP_MD_CTX_free(context)
            OpenSSLError.clearQueue()  // signing will set up a context each time instead
            return nil
        }
        return context
    }

    /// Signs `data` (rsa-sha256: PKCS #1 v1.5 over its SHA-256; Ed25519: pure EdDSA over it).
    /// Each call uses its own context, so calls may run on several threads at once.
    func sign(_ data: [UInt8], operation: String) throws -> [UInt8] {
        try withKey { key in
            OpenSSLError.clearQueue()
            guard let context = EVP_MD_CTX_new() else { throw OpenSSLError.drain(operation) }
            defer { EVP_MD_CTX_free(context) }
            if let template, EVP_MD_CTX_copy_ex(context, template) == 1 {
                // Ready to sign.
            } else {
                OpenSSLError.clearQueue()
                let digest = algorithm == .rsaSHA256 ? Digest.sha256MD : nil
                guard EVP_DigestSignInit(context, nil, digest, nil, key) == 1 else { throw OpenSSLError.drain(operation) }
            }
            return try data.withUnsafeBufferPointer { bytes in
                var length = 0
                guard EVP_DigestSign(context, nil, &length, bytes.baseAddress, bytes.count) == 1 else {
                    throw OpenSSLError.drain(operation)
                }
                var signature = [UInt8](repeating: 0, count: length)
                guard EVP_DigestSign(context, &signature, &length, bytes.baseAddress, bytes.count) == 1 else {
                    throw OpenSSLError.drain(operation)
                }
                return Array(signature.prefix(length))
            }
        }
    }

    /// Lends the EVP_PKEY for the duration of `body`.
    func withKey<Result>(_ body: (OpaquePointer) throws -> Result) rethrows -> Result {
        try withExtendedLifetime(self) { try body(key) }
    }

    /// The public half as DKIM's `p=` carries it: the DER SubjectPublicKeyInfo for RSA (RFC 6376 §3.6.1),
    /// the raw 32-byte key for Ed25519 (RFC 8463 §4).
    public func publicKeyData() throws -> [UInt8] {
        try withKey { key in
            OpenSSLError.clearQueue()
            switch algorithm {
            case .rsaSHA256:
                var der: UnsafeMutablePointer<UInt8>?
                let length = i2d_PUBKEY(key, &der)
                guard length > 0, let der else { throw OpenSSLError.drain("export the DKIM public key") }
                defer { CRYPTO_free(der, #file, #line) }
                return Array(UnsafeBufferPointer(start: der, count: Int(length)))
            case .ed25519SHA256:
                var raw = [UInt8](repeating: 0, count: 32)
                var length = raw.count
                guard EVP_PKEY_get_raw_public_key(key, &raw, &length) == 1 else {
                    throw OpenSSLError.drain("export the DKIM public key")
                }
                return Array(raw.prefix(length))
            }
        }
    }

    /// The DNS TXT record to publish at `<selector>._domainkey.<domain>`:
    /// `v=DKIM1; k=rsa; p=<SubjectPublicKeyInfo>` or `v=DKIM1; k=ed25519; p=<raw 32-byte key>`.
    public func dnsRecord() throws -> String {
        "v=DKIM1; k=\(algorithm == .rsaSHA256 ? "rsa" : "ed25519"); p=" + Base64.encode(try publicKeyData())
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
