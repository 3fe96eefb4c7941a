// The fingerprint of what an issue sends: a resumed publish compares it with the one its log began with.
import Mail

enum ContentHash {
    /// Hex SHA-256 over the subject, HTML and text templates (chunks and slot numbers).
    static func of(_ prepared: PreparedIssue) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(prepared.subject.literalByteCount + prepared.html.literalByteCount
                              + prepared.text.literalByteCount + 64)
        for template in [prepared.subject, prepared.html, prepared.text] {
            for (index, chunk) in template.chunks.enumerated() {
                bytes += chunk
                if index < template.slots.count { bytes += Array("\u{0}\(template.slots[index])\u{0}".utf8) }
            }
            bytes.append(0xFF)
        }
        let digest = (try? MessageAuthentication.hmacSHA256(key: Array("gazette content hash".utf8), message: bytes)) ?? []
        // Hex by table: String(format:) per byte showed in the build's profile.
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(digest.count * 2)
        for byte in digest {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}
