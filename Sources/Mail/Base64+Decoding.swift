// Base64 decoding for reading messages (RFC 2045 §6.8): lenient as readers must be — characters outside the
// alphabet (line breaks, stray spaces) are skipped, and a missing final padding is tolerated.

extension Base64 {
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(byte)] = UInt8(index)
        }
        table[Int(UInt8(ascii: "-"))] = 62  // base64url, seen in the wild
        table[Int(UInt8(ascii: "_"))] = 63
        return table
    }()

    /// The bytes that `encoded` stands for; anything outside the alphabet is ignored, decoding stops at `=`.
    public static func decode<Bytes: Collection<UInt8>>(_ encoded: Bytes) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(encoded.count / 4 * 3)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in encoded {
            if byte == UInt8(ascii: "=") { break }
            let value = values[Int(byte)]
            if value == 0xFF { continue }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return output
    }
}
