// One `property: value` pair of a style rule or a style attribute, with its `!important` flag.

/// A CSS declaration: lower-cased property, value without `!important`, and where it was written.
public struct Declaration: Sendable, Equatable {
    /// The property name, lower-cased (custom properties `--x` keep their case).
    public var property: String { didSet { traits = Traits(property: property, value: value) } }
    /// The value, trimmed, comments removed, without the `!important` flag.
    public var value: String { didSet { traits = Traits(property: property, value: value) } }
    /// Whether the declaration was marked `!important`.
    public var isImportant: Bool
    /// 1-based line inside the stylesheet.
    public var line: Int

    /// Creates a declaration.
    public init(property: String, value: String, isImportant: Bool = false, line: Int = 1) {
        self.property = property
        self.value = value
        self.isImportant = isImportant
        self.line = line
        traits = Traits(property: property, value: value)
    }

    /// What the inliner asks of every value it writes, found once when the stylesheet is parsed (and cached
    /// with it) instead of for every element the declaration lands on.
    struct Traits: Sendable, Equatable {
        /// `var(` in any case: the value may need custom properties resolved.
        var mayUseVariables = false
        var hasDoubleQuote = false
        var hasSingleQuote = false

        /// `property: value` as the inliner writes it into `style` (double quotes made single when the value has
        /// no single ones, as Juice does), for values without `var()`.
        var written: [UInt8] = []

        init(property: String, value: String) {
            self.init(value)
            written.reserveCapacity(property.utf8.count + value.utf8.count + 2)
            written += property.utf8
            written += ": ".utf8
            let swapQuotes = hasDoubleQuote && !hasSingleQuote
            for byte in value.utf8 { written.append(swapQuotes && byte == UInt8(ascii: "\"") ? UInt8(ascii: "'") : byte) }
        }

        init(_ value: String) {
            var previous: (UInt8, UInt8, UInt8) = (0, 0, 0)
            for byte in value.utf8 {
                switch byte {
                case UInt8(ascii: "\""): hasDoubleQuote = true
                case UInt8(ascii: "'"): hasSingleQuote = true
                case UInt8(ascii: "("):
                    if previous.0 | 0x20 == UInt8(ascii: "v"), previous.1 | 0x20 == UInt8(ascii: "a"),
                       previous.2 | 0x20 == UInt8(ascii: "r") { mayUseVariables = true }
                default: break
                }
                previous = (previous.1, previous.2, byte)
            }
        }
    }

    private(set) var traits: Traits

    /// `property: value` or `property: value !important`, as written back into CSS text.
    public var cssText: String {
        property + ": " + value + (isImportant ? " !important" : "")
    }
}
