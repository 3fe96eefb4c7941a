// SHA-256 through OpenSSL's EVP_Digest: the body hash of DKIM, the Ed25519 prehash, Message-ID seeds.
// The algorithm is fetched once: OpenSSL 3.0's implicit fetch per call takes a global lock.
internal import COpenSSL

/// Hashing with OpenSSL (also used outside Mail: content hashes of issues, list files in publish logs).
public enum Digest {
    /// OpenSSL's SHA-256 implementation, fetched once and shared (an EVP_MD is immutable).
    private static let sha256Algorithm = FetchedDigest()

    /// SHA-256 of `bytes`.
    public static func sha256(_ bytes: UnsafeRawBufferPointer) throws -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let status = digest.withUnsafeMutableBufferPointer { output in
            EVP_Digest(bytes.baseAddress, bytes.count, output.baseAddress, &length, sha256Algorithm.md, nil)
        }
        guard status == 1, length == 32 else { throw OpenSSLError.drain("compute SHA-256") }
        return digest
    }

    public static func sha256(_ bytes: [UInt8]) throws -> [UInt8] {
        try bytes.withUnsafeBytes { try sha256($0) }
    }

    /// SHA-256 of `bytes` as lower-case hex.
    public static func sha256Hex(_ bytes: [UInt8]) throws -> String {
        let hex: [Character] = Array("0123456789abcdef")
        var text = ""
        text.reserveCapacity(64)
        for byte in try sha256(bytes) {
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 0x0F)])
        }
        return text
    }

    /// The EVP_MD for SHA-256; OpenSSL's built-in one if the fetch failed.
    static var sha256MD: OpaquePointer? { sha256Algorithm.md }

    /// Owns the fetched EVP_MD for the life of the process.
    private final class FetchedDigest: @unchecked Sendable {
        let md: OpaquePointer?
        init() { md = EVP_MD_fetch(nil, "SHA256", nil) ?? EVP_sha256() }
    }
}
