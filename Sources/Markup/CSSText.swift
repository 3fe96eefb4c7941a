// Byte-level text helpers for CSS values: Foundation's `contains`/`range(of:)` go through CFString and
// dominated the inliner's profile, and these run for every declaration of every styled element.

extension String {
    /// Whether the UTF-8 bytes contain the ASCII `needle`; with `ignoringCase`, ASCII letters match either case
    /// (`needle` is then written in lower case).
    func containsASCII(_ needle: StaticString, ignoringCase: Bool = false) -> Bool {
        let pattern = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        let found = utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard bytes.count >= pattern.count else { return false }
            for start in 0...(bytes.count - pattern.count) {
                var offset = 0
                while offset < pattern.count {
                    var byte = bytes[start + offset]
                    if ignoringCase, byte >= UInt8(ascii: "A"), byte <= UInt8(ascii: "Z") { byte |= 0x20 }
                    if byte != pattern[offset] { break }
                    offset += 1
                }
                if offset == pattern.count { return true }
            }
            return false
        }
        // Only a bridged string lacks contiguous UTF-8; copy it once.
        return found ?? String(decoding: Array(utf8), as: UTF8.self).containsASCII(needle, ignoringCase: ignoringCase)
    }
}

extension StringProtocol {
    /// The text without leading and trailing CSS whitespace (space, tab, newlines, form feed).
    func trimmingCSSWhitespace() -> String {
        var text = String(self)
        return text.withUTF8 { bytes in
            guard let first = bytes.firstIndex(where: { !CSSText.isWhitespace($0) }),
                  let last = bytes.lastIndex(where: { !CSSText.isWhitespace($0) }) else { return "" }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[first...last]), as: UTF8.self)
        }
    }
}

/// Byte classes of CSS Syntax §4.2.
enum CSSText {
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x0C
    }
}
