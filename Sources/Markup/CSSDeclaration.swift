// One `property: value` pair of a style rule or a style attribute, with its `!important` flag.

/// A CSS declaration: lower-cased property, value without `!important`, and where it was written.
public struct Declaration: Sendable, Equatable {
    /// The property name, lower-cased (custom properties `--x` keep their case).
    public var property: String
    /// The value, trimmed, comments removed, without the `!important` flag.
    public var value: String
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
    }

    /// `property: value` or `property: value !important`, as written back into CSS text.
    public var cssText: String {
        property + ": " + value + (isImportant ? " !important" : "")
    }
}
