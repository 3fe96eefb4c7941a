// The numbers ContentInspector measures for the threshold checks: sizes, words, links, images, and whether the
// unsubscribe link and postal address are there. Text is scanned by Unicode scalar, not by Character: grapheme
// breaking over the whole email showed at the top of the build's profile.
import Foundation
import Markup

extension ContentInspector {
    /// The numbers the threshold checks compare.
    /// `contentText` is the issue's own content as the text part carries it: only its words count for
    /// `text-short`, since the template's header and footer (some 50 words) would hide a body of one line.
    func measure(document: HTMLDocument, contentNode: HTMLNode?, text: [UInt8], contentText: String, htmlBytes: Int,
                 slots: SlotTable, retainedStyleBytes: Int) -> IssueMeasurements {
        var measurements = IssueMeasurements()
        measurements.htmlBytes = htmlBytes
        measurements.retainedStyleBytes = retainedStyleBytes
        // A text template without {{{content_text}}} sends none of the content: then it has no words at all.
        let probe = contentText.split(separator: "\n", maxSplits: 1).first.map { String($0.prefix(40)) } ?? ""
        measurements.textWords = probe.isEmpty || Self.contains(text, Array(probe.utf8))
            ? Self.wordCount(contentText) : 0
        if let body = document.body {
            let statistics = LinkStatistics(body)
            measurements.visibleWords = statistics.words
            measurements.linkTextRatio = statistics.linkTextRatio
            measurements.linksPer100Words = statistics.linksPer100Words
            measurements.links = statistics.linkCount
            measurements.images = statistics.imageCount
            measurements.imagesPer100Words = statistics.imagesPer100Words
            let unsubscribeToken = slots.names.firstIndex(of: "unsubscribe_url").map(SlotTable.token)
            measurements.hasUnsubscribeLink = statistics.links.contains { link in
                unsubscribeToken.map { link.href.containsPhrase($0) } ?? false
            }
            if let address = project.configuration.postalAddress, !address.isEmpty {
                let collapsedAddress = Self.collapsedWhitespace(address)
                measurements.hasPostalAddress = body.withTextContent { text in
                    Self.containsCollapsed(text, collapsedAddress) ?? Self.contains(Self.collapsedWhitespace(text), collapsedAddress)
                }
            }
        }
        measurements.hasPreheader = !(issue.preheader ?? "").trimmingWhitespaces().isEmpty
        return measurements
    }

    /// The text's non-blank runs joined by single spaces: what `split(whereSeparator: \.isWhitespace)` and
    /// `joined(separator: " ")` give, except that a blank followed by a combining mark counts as blank.
    static func collapsedWhitespace(_ text: String) -> [UInt8] {
        var text = text
        return text.withUTF8(collapsedWhitespace)
    }

    /// `collapsedWhitespace` of UTF-8 bytes. Written into a buffer of the input's size (the output is never longer).
    static func collapsedWhitespace(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: bytes.count) { output, written in
            var pendingSpace = false
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                // Printable ASCII, most of any text, is never white space.
                let length = byte > 0x20 && byte < 0x80 ? 0 : whitespaceLength(bytes, at: index)
                if length > 0 {
                    pendingSpace = written > 0
                    index += length
                    continue
                }
                if pendingSpace {
                    output[written] = 0x20
                    written += 1
                    pendingSpace = false
                }
                output[written] = byte
                written += 1
                index += 1
            }
        }
    }

    /// The byte length of the Unicode White_Space character at `index` (what Character.isWhitespace tests), or 0.
    private static func whitespaceLength(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        let byte = bytes[index]
        if byte < 0x80 { return byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) ? 1 : 0 }
        let next = index + 1 < bytes.count ? bytes[index + 1] : 0
        let third = index + 2 < bytes.count ? bytes[index + 2] : 0
        switch byte {
        case 0xC2: return next == 0x85 || next == 0xA0 ? 2 : 0  // U+0085, U+00A0
        case 0xE1: return next == 0x9A && third == 0x80 ? 3 : 0  // U+1680
        case 0xE2:
            // U+2000–U+200A, U+2028, U+2029, U+202F, U+205F
            if next == 0x80, third <= 0x8A || third == 0xA8 || third == 0xA9 || third == 0xAF { return 3 }
            return next == 0x81 && third == 0x9F ? 3 : 0
        case 0xE3: return next == 0x80 && third == 0x80 ? 3 : 0  // U+3000
        default: return 0
        }
    }

    /// Whether the UTF-8 text `haystack` contains `needle` as String's `contains` finds it (by Character).
    /// Byte search for an ASCII needle whose match ends at a character boundary; otherwise String comparison
    /// (canonical equivalence). Foundation's search over the whole text part showed in the build's profile.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        if needle.allSatisfy({ $0 < 0x80 }) {
            var from = 0
            while let start = haystack.firstRange(of: needle, from: from) {
                let end = start + needle.count
                if end == haystack.count || !startsWithExtendingScalar(haystack, at: end) { return true }
                from = start + 1
            }
            // An ASCII run never matches a different byte sequence except through rare compatibility
            // characters (Kelvin sign …): settle those with String's own comparison.
            if haystack.allSatisfy({ $0 < 0x80 }) { return false }
        }
        return String(decoding: haystack, as: UTF8.self).contains(String(decoding: needle, as: UTF8.self))
    }

    /// `contains(collapsedWhitespace(text), needle)` for a collapsed ASCII `needle`, without making the collapsed
    /// copy: a run of white space in `text` matches one space of `needle`. Nil when it finds no match in text
    /// that is not all ASCII, which only String's comparison can settle (the body's text is some 10 KB, and
    /// collapsing it was most of the postal-address check).
    static func containsCollapsed(_ text: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool? {
        guard let base = text.baseAddress, let first = needle.first, first != 0x20, needle.allSatisfy({ $0 < 0x80 }) else {
            return nil
        }
        var from = 0
        while from < text.count, let found = memchr(base + from, Int32(first), text.count - from) {
            let start = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            var position = start
            var matched = true
            for byte in needle {
                if byte == 0x20 {
                    let runStart = position
                    while position < text.count {
                        let length = whitespaceLength(text, at: position)
                        if length == 0 { break }
                        position += length
                    }
                    if position == runStart { matched = false; break }
                } else if position < text.count, text[position] == byte {
                    position += 1
                } else {
                    matched = false
                    break
                }
            }
            if matched, position == text.count || !startsWithExtendingScalar(text, at: position) { return true }
            from = start + 1
        }
        return text.allSatisfy({ $0 < 0x80 }) ? false : nil
    }

    /// Whether the scalar at `index` would join the character before it (a combining mark, ZWJ …).
    private static func startsWithExtendingScalar(_ bytes: [UInt8], at index: Int) -> Bool {
        bytes.withUnsafeBufferPointer { startsWithExtendingScalar($0, at: index) }
    }

    private static func startsWithExtendingScalar(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        guard bytes[index] >= 0xC0 else { return false }
        var iterator = bytes[index...].makeIterator()
        var decoder = UTF8()
        guard case .scalarValue(let scalar) = decoder.decode(&iterator) else { return false }
        let properties = scalar.properties
        return properties.isGraphemeExtend || scalar.value == 0x200D
            || properties.generalCategory == .spacingMark
    }

    /// Words of the text part: runs between spaces and line feeds, as `split` on those Characters counts them
    /// ("\r\n" is one Character, not a line feed; a space carrying a combining mark is not a space).
    static func wordCount(_ text: String) -> Int {
        var words = 0
        var inWord = false
        var previous: UInt8 = 0
        var text = text
        text.withUTF8 { bytes in
            for index in 0..<bytes.count {
                let byte = bytes[index]
                if byte > 0x20 {  // most bytes: inside a word or starting one
                    if !inWord {
                        inWord = true
                        words += 1
                    }
                    previous = byte
                    continue
                }
                var separator = false
                if byte == 0x20 {
                    separator = index + 1 == bytes.count || bytes[index + 1] < 0xC0
                        || !startsWithExtendingScalar(bytes, at: index + 1)
                } else if byte == 0x0A {
                    separator = previous != 0x0D
                }
                if separator {
                    inWord = false
                } else if !inWord {
                    inWord = true
                    words += 1
                }
                previous = byte
            }
        }
        return words
    }
}

extension Array where Element == UInt8 {
    /// The first index at or after `from` where `needle` starts.
    func firstRange(of needle: [UInt8], from: Int) -> Int? {
        guard let first = needle.first, count >= needle.count else { return nil }
        var index = from
        while index <= count - needle.count {
            if self[index] == first, self[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
