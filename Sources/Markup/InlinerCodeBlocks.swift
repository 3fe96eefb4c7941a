// Keeps template code (`<% … %>`, `{{ … }}`, `<?php … ?>`) away from the HTML parser: each block becomes a
// plain placeholder before parsing and is put back after serializing, so it comes out byte for byte.

import Foundation

/// Template code blocks swapped for placeholders around an HTML parse (Juice's `codeBlocks`).
struct InlinerCodeBlocks {
    /// The blocks found, in order; placeholder N stands for `blocks[N]`.
    private(set) var blocks: [String] = []
    private let prefix: String

    /// Replaces every block delimited by one of `delimiters` in `html`; returns the protected HTML.
    /// A start without its end is left as it is (Juice's `ejs-unterminated` case).
    init(protecting html: String, delimiters: [InlinerOptions.CodeBlock], into protected: inout String) {
        // Lower case and letters only around the number: libxml2 lower-cases attribute names, and a block
        // in tag position (`<div <%= attrs %>>`) becomes one.
        var prefix = "gzcode"
        while html.contains(prefix) { prefix += "q" }
        self.prefix = prefix
        let bytes = Array(html.utf8)
        let starts = delimiters.map { (start: Array($0.start.utf8), end: Array($0.end.utf8)) }.filter { !$0.start.isEmpty && !$0.end.isEmpty }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        scanning: while index < bytes.count {
            for delimiter in starts where InlinerCodeBlocks.has(delimiter.start, in: bytes, at: index) {
                guard let close = InlinerCodeBlocks.find(delimiter.end, in: bytes, from: index + delimiter.start.count) else { continue }
                let end = close + delimiter.end.count
                blocks.append(String(decoding: bytes[index..<end], as: UTF8.self))
                output += Array((prefix + String(blocks.count - 1) + "z").utf8)
                index = end
                continue scanning
            }
            output.append(bytes[index])
            index += 1
        }
        protected = String(decoding: output, as: UTF8.self)
    }

    /// Puts the blocks back into serialized HTML (also where a block became an empty attribute: `name=""`).
    func restore(_ html: String) -> String {
        guard !blocks.isEmpty else { return html }
        var result = html
        // Highest numbers first, so placeholder 1 never eats the start of placeholder 12.
        for (number, block) in blocks.enumerated().reversed() {
            let placeholder = prefix + String(number) + "z"
            result = result.replacingOccurrences(of: placeholder + "=\"\"", with: block)
            result = result.replacingOccurrences(of: placeholder, with: block)
        }
        return result
    }

    private static func has(_ pattern: [UInt8], in bytes: [UInt8], at index: Int) -> Bool {
        guard index + pattern.count <= bytes.count else { return false }
        for offset in 0..<pattern.count where bytes[index + offset] != pattern[offset] { return false }
        return true
    }

    private static func find(_ pattern: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + pattern.count <= bytes.count {
            if has(pattern, in: bytes, at: index) { return index }
            index += 1
        }
        return nil
    }
}
