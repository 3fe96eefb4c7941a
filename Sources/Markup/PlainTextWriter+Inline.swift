// Inline text for PlainTextWriter: HTML whitespace collapsing into words, invisible characters dropped,
// hard breaks, image alt text, and wrapping a gathered paragraph into lines.
internal import CLibXML2

extension PlainTextWriter {
    /// Adds the text of a text node, collapsing whitespace the way HTML does. Works on libxml2's UTF-8 bytes
    /// directly: this is the hot loop of the writer.
    mutating func appendText(_ content: UnsafePointer<UInt8>?) {
        guard let content else { return }
        var index = 0
        var runStart = 0
        while true {
            let byte = content[index]
            if byte == 0 {
                appendRun(content, from: runStart, to: index)
                return
            }
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D, 0x0C:
                appendRun(content, from: runStart, to: index)
                joinsPrevious = false
                index += 1
                runStart = index
            case 0xC2...0xEF:
                let special = HTMLNode.specialCharacter(content, at: index)
                if special.length == 0 {
                    index += 1
                    continue
                }
                appendRun(content, from: runStart, to: index)
                // A no-break space (&nbsp;) reads as a space; the zero-width ones vanish without splitting words.
                if special.isSpace { joinsPrevious = false }
                index += special.length
                runStart = index
            default:
                index += 1
            }
        }
    }

    private mutating func appendRun(_ bytes: UnsafePointer<UInt8>, from start: Int, to end: Int) {
        guard end > start else { return }
        appendPiece(UnsafeBufferPointer(start: bytes + start, count: end - start))
    }

    /// Adds text without whitespace, joined to the last word when no whitespace came between them.
    mutating func appendPiece(_ piece: UnsafeBufferPointer<UInt8>) {
        if joinsPrevious, !words.isEmpty, !words.isLineBreak(words.count - 1) {
            words.extendLast(bytes: piece)
        } else {
            words.append(bytes: piece)
        }
        joinsPrevious = true
    }

    /// Adds running text (an alt attribute, a mail address) as separate words.
    mutating func appendWords(of text: String) {
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" || $0 == "\u{A0}" }) {
            words.append(String(word))
        }
    }

    mutating func appendLineBreak() {
        words.appendLineBreak()
        joinsPrevious = false
    }

    /// An image reads as its alt text in brackets; no alt (or an empty one: a spacer) reads as nothing.
    mutating func appendImage(_ node: xmlNodePtr) {
        guard let alt = HTMLNode.attribute("alt", of: node) else { return }
        if alt.utf8.allSatisfy({ $0 < 0x80 }) {
            // ASCII alt text (the usual case) split on bytes: the same words as by Character, without
            // Unicode property lookups for every letter.
            var altWords = alt.utf8.split(whereSeparator: { $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) })
                .map { String(decoding: $0, as: UTF8.self) }
            guard !altWords.isEmpty else { return }
            altWords[0] = "[" + altWords[0]
            altWords[altWords.count - 1] += "]"
            joinsPrevious = false
            words.append(contentsOf: altWords)
            joinsPrevious = false
            return
        }
        let altWords = alt.split(whereSeparator: { $0.isWhitespace })
        guard !altWords.isEmpty else { return }
        joinsPrevious = false
        appendWords(of: "[" + altWords.joined(separator: " ") + "]")
        joinsPrevious = false
    }

    /// Wraps the gathered words into lines and writes them; `underline` draws a line of that character
    /// under them as wide as the widest line (h1, h2).
    mutating func flushInline(underline: String? = nil) {
        joinsPrevious = false
        guard !words.isEmpty else { return }
        finishOpenLinkBeforeFlush()
        var start = 0
        var end = words.count
        while start < end, words.isLineBreak(start) { start += 1 }
        while end > start, words.isLineBreak(end - 1) { end -= 1 }
        let width = availableWidth
        TextWrapper.wrap(words, start..<end, width: width, into: &wrappedLines)
        words.removeAll()
        var widest = 0
        for index in 0..<wrappedLines.count {
            let line = wrappedLines.bytes[wrappedLines.range(of: index)]
            emit(line: line)
            if underline != nil { widest = max(widest, line.withUnsafeBufferPointer(TextWrapper.displayWidth(of:))) }
        }
        if let underline, widest > 0 {
            emit(String.repeated(underline, count: min(widest, width)))
        }
    }
}
