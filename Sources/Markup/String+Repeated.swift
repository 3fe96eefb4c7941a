// Runs of one character (rules, underlines, table padding, sample values) made in one write.

extension String {
    /// `count` copies of `piece`, as `String(repeating:count:)` makes them. A one-byte piece (all the callers'
    /// dashes, spaces and x's) is written with one fill: the standard library appends copy after copy, some
    /// 200 instructions each.
    public static func repeated(_ piece: String, count: Int) -> String {
        guard count > 0 else { return "" }
        guard piece.utf8.count == 1, let byte = piece.utf8.first else { return String(repeating: piece, count: count) }
        return String(unsafeUninitializedCapacity: count) { buffer in
            buffer.initialize(repeating: byte)
            return count
        }
    }
}
