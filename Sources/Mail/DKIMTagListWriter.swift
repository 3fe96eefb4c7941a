// Writes the DKIM-Signature field folded at 78 columns, breaking only where RFC 6376 §3.5 allows FWS:
// between tags, next to the colons of h=, and anywhere inside the base64 of b=.

/// Builds the DKIM-Signature field folded at 78 columns, breaking only where RFC 6376 allows FWS.
struct DKIMTagListWriter {
    var bytes: [UInt8] = Array("DKIM-Signature:".utf8)
    private var column = "DKIM-Signature:".utf8.count

    private mutating func breakLine() {
        bytes.append(contentsOf: [0x0D, 0x0A, 0x20])
        column = 1
    }

    /// A whole tag, after a space or at the start of a new line.
    mutating func append(tag: String) {
        if column + 1 + tag.utf8.count > HeaderField.foldingWidth { breakLine() } else {
            bytes.append(0x20)
            column += 1
        }
        bytes.append(contentsOf: tag.utf8)
        column += tag.utf8.count
    }

    /// `h=a:b:c;` with folds only next to the colons (FWS is allowed there, §3.5).
    mutating func append(list: [String], prefix: String, separator: String, terminator: String) {
        for (index, item) in list.enumerated() {
            var piece = (index == 0 ? prefix : "") + item
            piece += index == list.count - 1 ? terminator : separator
            if index == 0 {
                append(tag: piece)
                continue
            }
            if column + piece.utf8.count > HeaderField.foldingWidth { breakLine() }
            bytes.append(contentsOf: piece.utf8)
            column += piece.utf8.count
        }
    }

    /// The b= value, filling each line to the width (base64 allows FWS anywhere, §3.5).
    mutating func appendSplitting(_ value: String) {
        var remaining = Substring(value)
        while !remaining.isEmpty {
            if column >= HeaderField.foldingWidth { breakLine() }
            let piece = remaining.prefix(HeaderField.foldingWidth - column)
            bytes.append(contentsOf: piece.utf8)
            column += piece.utf8.count
            remaining = remaining.dropFirst(piece.count)
        }
    }
}
