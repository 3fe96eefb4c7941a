// Reads a header section (RFC 5322 §2.2, §3.2.2 unfolding) from bytes: the message header, a part's header, or
// the header-like field blocks of DSNs (RFC 3464 §2.1) and feedback reports (RFC 5965 §3.1). Lenient by design:
// a line that is neither a field nor a continuation ends the section there, as most readers do.

/// Splits a header section into fields and finds where the body starts.
public enum HeaderFieldReader {
    /// The fields of the header section at the start of `bytes`, and the index where the body begins (just
    /// after the empty line, or at the first line that is not a field, or at the end).
    public static func read(_ bytes: ArraySlice<UInt8>) -> (fields: [MIMEHeader], bodyStart: Int) {
        var fields: [MIMEHeader] = []
        var name: ArraySlice<UInt8>?
        var value: [UInt8] = []
        var index = bytes.startIndex
        func finish() {
            if let current = name {
                fields.append(MIMEHeader(name: text(current).trimmedWhitespace, value: text(value[...]).trimmedWhitespace))
            }
            name = nil
            value.removeAll(keepingCapacity: true)
        }
        var first = true
        while index < bytes.endIndex {
            var lineEnd = index
            while lineEnd < bytes.endIndex, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            let next = lineEnd < bytes.endIndex ? lineEnd + 1 : lineEnd
            var contentEnd = lineEnd
            if contentEnd > index, bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            let line = bytes[index..<contentEnd]
            if line.isEmpty {  // the empty line that ends the section
                finish()
                return (fields, next)
            }
            if first, line.starts(with: "From ".utf8) {  // an mbox separator line left in a message
                first = false
                index = next
                continue
            }
            first = false
            if line.first == 0x20 || line.first == 0x09 {
                if name != nil {
                    value.append(contentsOf: line)
                    index = next
                    continue
                }
                return (fields, index)  // a continuation with nothing to continue: not a header
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), isFieldName(line[line.startIndex..<colon]) else {
                finish()
                return (fields, index)
            }
            finish()
            name = line[line.startIndex..<colon]
            value.append(contentsOf: line[(colon + 1)...])
            index = next
        }
        finish()
        return (fields, bytes.endIndex)
    }

    /// Blocks of fields separated by empty lines (RFC 3464 §2.1: a per-message block, then one per recipient).
    public static func readBlocks(_ bytes: ArraySlice<UInt8>) -> [[MIMEHeader]] {
        var blocks: [[MIMEHeader]] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            // Skip empty lines between blocks.
            while index < bytes.endIndex, bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x20 || bytes[index] == 0x09 {
                index += 1
            }
            if index >= bytes.endIndex { break }
            let (fields, bodyStart) = read(bytes[index...])
            if !fields.isEmpty { blocks.append(fields) }
            if bodyStart <= index {  // a line that is not a field: skip it
                while index < bytes.endIndex, bytes[index] != 0x0A { index += 1 }
                index += index < bytes.endIndex ? 1 : 0
            } else {
                index = bodyStart
            }
        }
        return blocks
    }

    /// RFC 5322 ftext (printable ASCII), allowing the white space old MTAs put before the colon.
    static func isFieldName(_ name: ArraySlice<UInt8>) -> Bool {
        var end = name.endIndex
        while end > name.startIndex, name[end - 1] == 0x20 || name[end - 1] == 0x09 { end -= 1 }
        return end > name.startIndex && name[name.startIndex..<end].allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }

    private static func text(_ bytes: ArraySlice<UInt8>) -> String { MIMECharset.decode(bytes, charset: "utf-8") }
}

extension String {
    /// Without leading and trailing spaces, tabs and line breaks.
    var trimmedWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !($0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n") }),
              let last = scalars.lastIndex(where: { !($0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n") })
        else { return "" }
        return String(scalars[first...last])
    }
}
