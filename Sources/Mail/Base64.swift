// Base64 (RFC 4648 §4) and base64url without padding (§5), on bytes. Used for encoded words,
// DKIM tags and unsubscribe tokens; a table lookup per sextet, no Foundation round trip.

/// Base64 and base64url encoding of bytes.
public enum Base64 {
    private static let standard = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let urlSafe = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Standard base64 with `=` padding.
    public static func encode<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        var output: [UInt8] = []
        append(bytes, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// base64url without padding, for tokens in URLs.
    public static func encodeURLSafe<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        var output: [UInt8] = []
        append(bytes, to: &output, alphabet: urlSafe, padding: false)
        return String(decoding: output, as: UTF8.self)
    }

    /// Appends the standard base64 of `bytes` to `output`. Generic callers in other modules are not specialized,
    /// so the work is done on a buffer by one plain function (a generic byte loop was the cost of every token).
    static func append<Bytes: Collection<UInt8>>(
        _ bytes: Bytes, to output: inout [UInt8], alphabet: [UInt8] = standard, padding: Bool = true
    ) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { append(buffer: $0, to: &output, alphabet: alphabet, padding: padding) }
        if done == nil {
            Array(bytes).withUnsafeBufferPointer { append(buffer: $0, to: &output, alphabet: alphabet, padding: padding) }
        }
    }

    private static func append(buffer bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8], alphabet: [UInt8], padding: Bool) {
        output.reserveCapacity(output.count + (bytes.count + 2) / 3 * 4)
        alphabet.withUnsafeBufferPointer { table in
            var index = 0
            while index < bytes.count {
                let remaining = bytes.count - index
                let value = UInt32(bytes[index]) << 16 | (remaining > 1 ? UInt32(bytes[index + 1]) << 8 : 0)
                    | (remaining > 2 ? UInt32(bytes[index + 2]) : 0)
                output.append(table[Int(value >> 18 & 63)])
                output.append(table[Int(value >> 12 & 63)])
                if remaining > 1 {
                    output.append(table[Int(value >> 6 & 63)])
                } else if padding {
                    output.append(UInt8(ascii: "="))
                }
                if remaining > 2 {
                    output.append(table[Int(value & 63)])
                } else if padding {
                    output.append(UInt8(ascii: "="))
                }
                index += 3
            }
        }
    }
}
