// Greedy word wrapping by display width for the text alternative. Words are never split: a word wider than
// the line (a long URL) gets a line of its own, so it stays clickable and copyable.

/// Fills lines with whole words up to a display width.
public enum TextWrapper {
    /// The word that stands for a hard line break (`<br>`) in a word list; words never contain "\n".
    public static let lineBreak = "\n"

    /// Wraps `words` (no spaces inside except on purpose, `lineBreak` for hard breaks) into lines of at
    /// most `width` columns; a longer word stands alone on its line.
    public static func wrap<Words: Sequence<String>>(_ words: Words, width: Int) -> [String] {
        let list = WordList(Array(words))
        return wrap(list, 0..<list.count, width: width)
    }

    /// `wrap` of the words `indices` of a WordList, read from its bytes.
    static func wrap(_ words: WordList, _ indices: Range<Int>, width: Int) -> [String] {
        var lines = WordList()
        wrap(words, indices, width: width, into: &lines)
        return (0..<lines.count).map(lines.word)
    }

    /// `wrap` into `lines`, one entry per line (emptied first): the text part writes them straight from its bytes
    /// and reuses the buffers (a String per line, made and copied again, showed in the profile). Words are copied
    /// once, into the line being filled, which is the last entry of `lines` while `lineIsOpen`.
    static func wrap(_ words: WordList, _ indices: Range<Int>, width: Int, into lines: inout WordList) {
        lines.removeAll()
        var lineIsOpen = false
        var lineWidth = 0
        words.bytes.withUnsafeBufferPointer { bytes in
            for index in indices {
                if words.isLineBreak(index) {
                    if !lineIsOpen { lines.append(bytes: UnsafeBufferPointer(start: nil, count: 0)) }
                    lineIsOpen = false
                    lineWidth = 0
                    continue
                }
                let word = UnsafeBufferPointer(rebasing: bytes[words.range(of: index)])
                let wordWidth = displayWidth(of: word)
                if lineWidth == 0 {
                    // A line so far of words without width (zero-width spaces alone) gives way to this word.
                    if lineIsOpen { lines.removeWords(from: lines.count - 1) }
                    lines.append(bytes: word)
                    lineIsOpen = true
                    lineWidth = wordWidth
                } else if lineWidth + 1 + wordWidth <= width {
                    lines.extendLast(byte: 0x20)
                    lines.extendLast(bytes: word)
                    lineWidth += 1 + wordWidth
                } else {
                    lines.append(bytes: word)
                    lineWidth = wordWidth
                }
            }
        }
        // The last line stays unless it has no width and is the only one (no words with width at all).
        if lineIsOpen {
            if lineWidth == 0 && lines.count == 1 { lines.removeAll() }
        } else if !lines.isEmpty {
            lines.append(bytes: UnsafeBufferPointer(start: nil, count: 0))
        }
    }

    /// `displayWidth(of:)` of UTF-8 bytes.
    static func displayWidth(of bytes: UnsafeBufferPointer<UInt8>) -> Int {
        bytes.allSatisfy { $0 < 0x80 } ? bytes.count : displayWidth(of: String(decoding: bytes, as: UTF8.self))
    }

    /// Wraps running text, collapsing its whitespace first.
    public static func wrap(_ text: String, width: Int) -> [String] {
        wrap(text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init), width: width)
    }

    /// Columns a terminal or mail reader gives the text: East Asian wide characters and most emoji take two,
    /// combining marks and joiners none, everything else one.
    public static func displayWidth(of text: String) -> Int {
        // Most words are ASCII: one column per byte, found without decoding scalars (wrapping measures every
        // word of the text part, and scalar iteration was most of the wrapper's time).
        let ascii = text.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.allSatisfy { $0 < 0x80 } ? bytes.count : nil
        }
        if let ascii, let width = ascii { return width }
        var width = 0
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x300 {
                width += 1
            } else if isZeroWidth(value) {
                continue
            } else if isWide(value) {
                width += 2
            } else {
                width += 1
            }
        }
        return width
    }

    private static func isZeroWidth(_ value: UInt32) -> Bool {
        switch value {
        case 0x300...0x36F, 0x1AB0...0x1AFF, 0x1DC0...0x1DFF, 0x200B...0x200F, 0x20D0...0x20FF,
             0xFE00...0xFE0F, 0xFE20...0xFE2F, 0xFEFF, 0xE0100...0xE01EF:
            return true
        default:
            return false
        }
    }

    private static func isWide(_ value: UInt32) -> Bool {
        switch value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            return true
        default:
            return false
        }
    }
}
