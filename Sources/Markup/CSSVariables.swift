// Resolves `var(--name, fallback)` in a value from custom properties looked up through the element's ancestors,
// as Juice's `resolveCSSVariables` does for clients that do not support custom properties.

/// `var()` substitution over a property value.
enum CSSVariables {
    /// The value with every resolvable `var()` replaced; unresolvable ones without a fallback stay as written.
    static func resolve(_ value: String, depth: Int = 0, lookup: (String) -> String?) -> String {
        // A variable that refers to itself (directly or in a loop) stops here instead of recursing forever.
        guard depth < 16, value.containsASCII("var(", ignoringCase: true) else { return value }
        let bytes = Array(value.utf8)
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            guard let open = functionStart(in: bytes, at: index), let close = matchingParen(in: bytes, open: open + 3) else {
                output.append(bytes[index])
                index += 1
                continue
            }
            let inner = Array(bytes[(open + 4)..<close])
            let comma = topLevelComma(in: inner)
            let name = String(decoding: inner[..<(comma ?? inner.count)], as: UTF8.self).trimmingCSSWhitespace()
            let fallback = comma.map { String(decoding: inner[($0 + 1)...], as: UTF8.self).trimmingCSSWhitespace() }
            if let found = lookup(name) {
                output += resolve(found, depth: depth + 1, lookup: lookup).utf8
            } else if let fallback, !fallback.isEmpty {
                output += resolve(fallback, depth: depth + 1, lookup: lookup).utf8
            } else {
                output += bytes[open...close]
            }
            index = close + 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Whether `var(` (any case) starts at `index`, not inside a longer name.
    private static func functionStart(in bytes: [UInt8], at index: Int) -> Int? {
        guard index + 4 <= bytes.count, bytes[index + 3] == UInt8(ascii: "("),
              bytes[index] | 0x20 == UInt8(ascii: "v"), bytes[index + 1] | 0x20 == UInt8(ascii: "a"),
              bytes[index + 2] | 0x20 == UInt8(ascii: "r") else { return nil }
        if index > 0 {
            let before = bytes[index - 1]
            if before == UInt8(ascii: "-") || (before | 0x20 >= UInt8(ascii: "a") && before | 0x20 <= UInt8(ascii: "z")) { return nil }
        }
        return index
    }

    private static func matchingParen(in bytes: [UInt8], open: Int) -> Int? {
        var depth = 0
        for index in open..<bytes.count {
            if bytes[index] == UInt8(ascii: "(") { depth += 1 }
            if bytes[index] == UInt8(ascii: ")") {
                depth -= 1
                if depth == 0 { return index }
            }
        }
        return nil
    }

    private static func topLevelComma(in bytes: [UInt8]) -> Int? {
        var depth = 0
        for (index, byte) in bytes.enumerated() {
            if byte == UInt8(ascii: "(") { depth += 1 }
            if byte == UInt8(ascii: ")") { depth -= 1 }
            if byte == UInt8(ascii: ","), depth == 0 { return index }
        }
        return nil
    }
}
