// RFC 2047 encoded words for non-ASCII header text: `=?UTF-8?B?…?=` or `=?UTF-8?Q?…?=`, whichever is shorter,
// each at most 75 characters and never splitting a UTF-8 sequence. Folding is left to `HeaderField`.

/// Encodes header text as RFC 2047 encoded words.
public enum EncodedWord {
    /// RFC 2047 §2: an encoded word is at most 75 characters.
    public static let maximumLength = 75
    private static let overhead = "=?UTF-8?Q??=".utf8.count  // same for B

    /// Encodes all of `text` as encoded words (joined by a space when written: the space between two
    /// encoded words is not part of the text, RFC 2047 §6.2).
    /// - Parameter firstWordLimit: a smaller limit for the first word, so it fits on the line after
    ///   the field name ("Subject: " leaves 69 columns).
    public static func encode(_ text: String, firstWordLimit: Int = maximumLength) -> [String] {
        let bytes = Array(text.utf8)
        if bytes.isEmpty { return [] }
        var qLength = 0
        for byte in bytes { qLength += qSafe[Int(byte)] || byte == 0x20 ? 1 : 3 }
        let bLength = (bytes.count + 2) / 3 * 4
        let useQ = qLength <= bLength
        let fullBudget = maximumLength - overhead
        // A first-word limit too small for a few characters is ignored: the folder then moves the word.
        var budget = firstWordLimit - overhead >= 12 ? min(firstWordLimit, maximumLength) - overhead : fullBudget

        var words: [String] = []
        var chunk: [UInt8] = []
        var chunkCost = 0
        // Where the chunk could end just after a space, and its cost there: splitting there keeps words whole
        // for readers that (against RFC 2047 §6.2) read the gap between encoded words as a space.
        var spaceCut: (index: Int, cost: Int)?
        func fits(adding cost: Int) -> Bool {
            useQ ? chunkCost + cost <= budget : (chunk.count + cost + 2) / 3 * 4 <= budget
        }
        for scalar in text.unicodeScalars {
            let utf8 = Array(String(scalar).utf8)
            let cost = useQ ? utf8.reduce(0) { $0 + (qSafe[Int($1)] || $1 == 0x20 ? 1 : 3) } : utf8.count
            if !fits(adding: cost), let cut = spaceCut, cut.index < chunk.count {
                words.append(word(Array(chunk[..<cut.index]), q: useQ))
                budget = fullBudget
                chunk.removeFirst(cut.index)
                chunkCost -= cut.cost
                spaceCut = nil
            }
            if !fits(adding: cost), !chunk.isEmpty {
                words.append(word(chunk, q: useQ))
                budget = fullBudget
                chunk.removeAll(keepingCapacity: true)
                chunkCost = 0
                spaceCut = nil
            }
            chunk.append(contentsOf: utf8)
            chunkCost += cost
            if scalar == " " { spaceCut = (chunk.count, chunkCost) }
        }
        if !chunk.isEmpty { words.append(word(chunk, q: useQ)) }
        return words
    }

    /// True when `word` (a run without spaces) cannot be written as it is in a header: non-ASCII,
    /// control characters, something that looks like an encoded word, or too long to fold.
    static func needsEncoding<Bytes: Collection<UInt8>>(_ word: Bytes) -> Bool {
        if word.count > 77 { return true }
        var previous: UInt8 = 0
        for byte in word {
            if byte >= 0x7F || (byte < 0x20 && byte != 0x09) { return true }
            if previous == UInt8(ascii: "="), byte == UInt8(ascii: "?") { return true }
            previous = byte
        }
        return false
    }

    /// Unstructured text (Subject, Feedback-ID…) with the words that need it encoded: runs of such words,
    /// with the spaces between them, become encoded words; plain words stay readable.
    public static func encodeUnstructured(_ text: String, firstWordLimit: Int = maximumLength) -> String {
        let bytes = Array(text.utf8)
        guard bytes.contains(where: { $0 >= 0x7F || $0 < 0x20 || $0 == UInt8(ascii: "=") }) || bytes.count > 77 else {
            return text  // fast path: plain ASCII, nothing to look at
        }
        return encodeWords(bytes, firstWordLimit: firstWordLimit, needsEncoding: needsEncoding)
    }

    /// A display name or list description as a phrase (RFC 5322 §3.2.5): words of atext stay atoms, the
    /// others become encoded words.
    static func encodePhrase(_ text: String) -> String {
        encodeWords(Array(text.utf8), firstWordLimit: maximumLength) { word in needsEncoding(word) || word.contains { !Mailbox.isAtext($0) } }
    }

    private static func encodeWords(
        _ bytes: [UInt8], firstWordLimit: Int, needsEncoding: (ArraySlice<UInt8>) -> Bool
    ) -> String {
        // Tokens: alternating whitespace runs and words.
        var tokens: [(range: Range<Int>, isSpace: Bool)] = []
        var start = 0
        while start < bytes.count {
            let isSpace = bytes[start] == 0x20 || bytes[start] == 0x09
            var end = start + 1
            while end < bytes.count, (bytes[end] == 0x20 || bytes[end] == 0x09) == isSpace { end += 1 }
            tokens.append((start..<end, isSpace))
            start = end
        }
        var output = ""
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            if token.isSpace || !needsEncoding(bytes[token.range]) {
                output += String(decoding: bytes[token.range], as: UTF8.self)
                index += 1
                continue
            }
            // Extend the run over spaces to following words that also need encoding.
            var last = index
            var probe = index + 1
            while probe + 1 < tokens.count, tokens[probe].isSpace, needsEncoding(bytes[tokens[probe + 1].range]) {
                last = probe + 1
                probe += 2
            }
            let run = String(decoding: bytes[token.range.lowerBound..<tokens[last].range.upperBound], as: UTF8.self)
            // Only a run at the very start shares its line with the field name.
            output += encode(run, firstWordLimit: index == 0 ? firstWordLimit : maximumLength).joined(separator: " ")
            index = last + 1
        }
        return output
    }

    /// Characters written as they are in Q encoding: the RFC 2047 §5(3) set, safe even in phrases.
    private static let qSafe: [Bool] = (0..<256).map { value in
        let byte = UInt8(value)
        return DomainName.isLetterOrDigit(byte) || "!*+-/".utf8.contains(byte)
    }
    private static let hex = Array("0123456789ABCDEF".utf8)

    private static func word(_ bytes: [UInt8], q: Bool) -> String {
        var output: [UInt8] = Array("=?UTF-8?".utf8)
        output.reserveCapacity(maximumLength)
        if q {
            output.append(contentsOf: "Q?".utf8)
            for byte in bytes {
                if byte == 0x20 {
                    output.append(UInt8(ascii: "_"))
                } else if qSafe[Int(byte)] {
                    output.append(byte)
                } else {
                    output.append(UInt8(ascii: "="))
                    output.append(hex[Int(byte >> 4)])
                    output.append(hex[Int(byte & 15)])
                }
            }
        } else {
            output.append(contentsOf: "B?".utf8)
            Base64.append(bytes, to: &output)
        }
        output.append(contentsOf: "?=".utf8)
        return String(decoding: output, as: UTF8.self)
    }
}
