// The form of an address that dedup, suppression, shards and publish logs compare, and its stable 64-bit hash.
// Only for comparing: the publish layer validates and sends the address as written (Mail.Mailbox).

/// An address normalised for comparison, with a hash that is the same in every run and on every machine.
///
/// Normalising trims surrounding white space and lower-cases the whole address. RFC 5321 §2.4 lets a server
/// treat local parts as case-sensitive, but mailbox providers treat them case-insensitively in practice, and a
/// duplicate send (two lists with `Ann@x.org` and `ann@x.org`) is worse than merging two rows that reach one box.
/// The hash is FNV-1a 64 over the UTF-8 bytes — not Swift's `Hasher`, which is seeded anew in every process.
public struct AddressKey: Sendable, Hashable, CustomStringConvertible {
    /// The trimmed, lower-cased address.
    public let normalized: String
    /// FNV-1a 64 of `normalized`.
    public let hash64: UInt64

    /// The key of `address` as written in a list or a log.
    public init(_ address: String) {
        if let (normalized, hash64) = Self.asciiKey(address) {
            self.normalized = normalized
            self.hash64 = hash64
        } else {
            normalized = Self.slowNormalize(address)
            hash64 = Self.hash64(normalized)
        }
    }

    public var description: String { normalized }

    public static func == (lhs: AddressKey, rhs: AddressKey) -> Bool {
        lhs.hash64 == rhs.hash64 && lhs.normalized == rhs.normalized
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(hash64) }

    /// `address` trimmed of white space and lower-cased; ASCII, the common case, without Unicode tables.
    public static func normalize(_ address: String) -> String { asciiKey(address)?.normalized ?? slowNormalize(address) }

    /// FNV-1a 64 over the UTF-8 of `normalized` (which must come from `normalize(_:)`).
    public static func hash64(_ normalized: String) -> UInt64 {
        var copy = normalized
        return copy.withUTF8 { fnv1a64($0) }
    }

    /// Key of an all-ASCII address in one pass over its bytes (the audience does this a million times);
    /// nil when the address has non-ASCII bytes.
    private static func asciiKey(_ address: String) -> (normalized: String, hash64: UInt64)? {
        var copy = address
        return copy.withUTF8 { bytes -> (String, UInt64)? in
            var start = 0, end = bytes.count
            while start < end, isSpace(bytes[start]) { start += 1 }
            while end > start, isSpace(bytes[end - 1]) { end -= 1 }
            var ascii = true
            let normalized = String(unsafeUninitializedCapacity: end - start) { output in
                for index in start..<end {
                    let byte = bytes[index]
                    if byte >= 0x80 { ascii = false; return 0 }
                    output[index - start] = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
                }
                return end - start
            }
            guard ascii else { return nil }
            var hashed = normalized
            return (normalized, hashed.withUTF8 { fnv1a64($0) })
        }
    }

    /// Unicode white space around the address and non-ASCII letters (Zoë, ZOË).
    private static func slowNormalize(_ address: String) -> String {
        address.trimmingUnicodeSpace().lowercased()
    }

    /// FNV-1a 64 of `bytes`.
    private static func fnv1a64(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x0C
    }
}

extension String {
    fileprivate func trimmingUnicodeSpace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
