// Writing a header field folded at 78 columns: a line break is inserted only before existing whitespace
// (RFC 5322 §3.2.2), so unfolding gives back the value exactly; a word that cannot fit stays whole.

extension HeaderField {
    /// Appends `Name: value` folded, with its CRLF, to `output`.
    public func write(to output: inout [UInt8]) {
        Self.writeFolded(name: name, value: value, to: &output)
    }

    /// The field as it appears in a message, folded, with the final CRLF.
    public var folded: String {
        var output: [UInt8] = []
        write(to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    static func writeFolded(name: String, value: String, to output: inout [UInt8]) {
        output.append(contentsOf: name.utf8)
        output.append(UInt8(ascii: ":"))
        let bytes = Array(value.utf8)
        // Each segment is a whitespace run plus the word after it; the first is the space after the colon.
        var column = name.utf8.count + 1
        var index = 0
        var first = true
        output.reserveCapacity(output.count + bytes.count + bytes.count / 38 * 2 + 4)
        if bytes.isEmpty {
            output.append(contentsOf: [0x20, 0x0D, 0x0A])
            return
        }
        while index < bytes.count || first {
            var end = index
            while end < bytes.count, bytes[end] == 0x20 || bytes[end] == 0x09 { end += 1 }
            let hasWord = end < bytes.count
            while end < bytes.count, bytes[end] != 0x20 && bytes[end] != 0x09 { end += 1 }
            if first {
                // "Name: " + first word; the space is ours, not part of the value. A first word too long
                // for this line (an encoded word after a long name) moves to the next, where it fits.
                if column + 1 + (end - index) > foldingWidth, 1 + (end - index) <= foldingWidth {
                    output.append(contentsOf: [0x0D, 0x0A])
                    column = 0
                }
                output.append(0x20)
                column += 1
                first = false
            } else if hasWord, column + (end - index) > foldingWidth, bytes[index] == 0x20 || bytes[index] == 0x09 {
                output.append(0x0D)
                output.append(0x0A)
                column = 0
            }
            output.append(contentsOf: bytes[index..<end])
            column += end - index
            index = end
        }
        output.append(0x0D)
        output.append(0x0A)
    }
}
