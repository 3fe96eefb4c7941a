// SHA-256 through OpenSSL's EVP_Digest: the body hash of DKIM, the Ed25519 prehash, Message-ID seeds.
internal import COpenSSL

/// Hashing with OpenSSL.
public enum Digest {
    /// SHA-256 of `bytes`.
    public static func sha256(_ bytes: UnsafeRawBufferPointer) throws -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let status = digest.withUnsafeMutableBufferPointer { output in
            EVP_Digest(bytes.baseAddress, bytes.count, output.baseAddress, &length, EVP_sha256(), nil)
        }
        guard status == 1, length == 32 else { throw OpenSSLError.drain("compute SHA-256") }
        return digest
    }

    public static func sha256(_ bytes: [UInt8]) throws -> [UInt8] {
        try bytes.withUnsafeBytes { try sha256($0) }
    }
}
