// Tests on eight bytes at once, for the loops that skip long runs of ordinary text (the serializer's escaping,
// the parser's character data): the usual bit tricks for "has a zero byte", after XOR with the byte looked for.

/// Eight bytes read as one little-endian integer, and what they may hold.
enum WordScan {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// The eight bytes at `pointer` (any alignment).
    @inline(__always)
    static func word(at pointer: UnsafePointer<UInt8>) -> UInt64 {
        UnsafeRawPointer(pointer).loadUnaligned(as: UInt64.self)
    }

    /// Non-zero when some byte of `word` is `byte` (a byte above a match may be flagged too: only "none" is exact).
    @inline(__always)
    static func matches(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        let value = word ^ (ones &* UInt64(byte))
        return (value &- ones) & ~value & highs
    }

    /// Non-zero when some byte of `word` is below `limit`, which must be at most 0x80 (same caveat).
    @inline(__always)
    static func below(_ word: UInt64, _ limit: UInt8) -> UInt64 {
        (word &- ones &* UInt64(limit)) & ~word & highs
    }
}
