// `--format json` output: the same bytes as Foundation's JSONSerialization with [.prettyPrinted, .sortedKeys],
// written straight into a byte buffer. JSONSerialization casts every value of a [String: Any] through the
// runtime; 10,000 diagnostics of a million-row validate took most of its time there (BENCHMARKS.md).

/// Pretty-printed JSON of plain values: String, Int, Bool, arrays and dictionaries keyed by lower-case names.
public enum JSONText {
    /// The UTF-8 bytes of `object`, or nil when it holds another kind of value (Double, NSNull, …), which the
    /// caller leaves to JSONSerialization so that the output never differs.
    public static func prettySorted(_ object: [String: Any]) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(4096)
        return write(object, indent: 0, into: &output) ? output : nil
    }

    private static func write(_ value: Any, indent: Int, into output: inout [UInt8]) -> Bool {
        switch value {
        case let text as String:
            writeString(text, into: &output)
        case let flag as Bool:
            output.append(contentsOf: flag ? "true".utf8 : "false".utf8)
        case let number as Int:
            output.append(contentsOf: String(number).utf8)
        case let array as [Any]:
            output.append(UInt8(ascii: "["))
            output.append(0x0A)
            for (index, element) in array.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")); output.append(0x0A) }
                pad(indent + 1, &output)
                guard write(element, indent: indent + 1, into: &output) else { return false }
            }
            output.append(0x0A)
            pad(indent, &output)
            output.append(UInt8(ascii: "]"))
        case let dictionary as [String: Any]:
            // JSONSerialization sorts keys by ICU collation ("a_b" before "aB", "_" before "-" and digits); for keys
            // of lower-case letters and "_" that is the byte order used here. Other keys go to JSONSerialization.
            guard dictionary.keys.allSatisfy({ $0.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F } }) else { return false }
            output.append(UInt8(ascii: "{"))
            output.append(0x0A)
            for (index, key) in dictionary.keys.sorted().enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")); output.append(0x0A) }
                pad(indent + 1, &output)
                writeString(key, into: &output)
                output.append(contentsOf: " : ".utf8)
                guard let element = dictionary[key], write(element, indent: indent + 1, into: &output) else { return false }
            }
            output.append(0x0A)
            pad(indent, &output)
            output.append(UInt8(ascii: "}"))
        default:
            return false
        }
        return true
    }

    private static func pad(_ indent: Int, _ output: inout [UInt8]) {
        output += repeatElement(UInt8(ascii: " "), count: 2 * indent)
    }

    /// JSONSerialization's escapes: quote, backslash and slash, \b \f \n \r \t, other controls as \u00xx. The runs
    /// between escapes are copied whole: 10,000 diagnostics of a million-row validate go through here.
    private static func writeString(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var run = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "/") else { continue }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<index]))
                run = index + 1
                output.append(UInt8(ascii: "\\"))
                switch byte {
                case 0x08: output.append(UInt8(ascii: "b"))
                case 0x0C: output.append(UInt8(ascii: "f"))
                case 0x0A: output.append(UInt8(ascii: "n"))
                case 0x0D: output.append(UInt8(ascii: "r"))
                case 0x09: output.append(UInt8(ascii: "t"))
                case 0..<0x20:
                    output.append(contentsOf: "u00".utf8)
                    output.append(hexDigit(byte >> 4))
                    output.append(hexDigit(byte & 0xF))
                default: output.append(byte)  // quote, backslash, slash
                }
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run...]))
        }
        output.append(UInt8(ascii: "\""))
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 { value < 10 ? 0x30 + value : 0x61 + value - 10 }
}
