// A digest computed from a list file's bytes as the audience reads them, so the publish log can freeze the
// audience: what was hashed is exactly what was read. SHA-256 itself is the caller's (OpenSSL lives in Mail).

/// Receives a file's bytes chunk by chunk and gives its digest at the end (hex SHA-256 for the publish log).
///
/// TODO(publish): SHA-256 — `Mail.Digest` hashes whole buffers only; a streaming SHA-256 in Mail
/// (EVP_DigestUpdate) would conform in a few lines and fingerprint a million-row list in constant memory.
public protocol ContentDigester: AnyObject {
    func update(_ bytes: UnsafeRawBufferPointer)
    /// The digest of every byte given so far, as text; called once, after the last chunk.
    func finalize() -> String
}
