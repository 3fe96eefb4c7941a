// A qualified rule: a selector list and its declarations. Nested rules arrive here already flattened.

/// A style rule: `selector, selector { declarations }`.
public struct StyleRule: Sendable {
    /// The selector list as written (whitespace collapsed).
    public var selectorText: String
    /// The selectors that parsed; each says whether it can be inlined.
    public var selectors: [Selector]
    /// Declarations in source order.
    public var declarations: [Declaration]
    /// 1-based line of the rule's first selector inside the stylesheet.
    public var line: Int

    /// Creates a style rule.
    public init(selectorText: String, selectors: [Selector], declarations: [Declaration], line: Int) {
        self.selectorText = selectorText
        self.selectors = selectors
        self.declarations = declarations
        self.line = line
    }

    /// The rule written back as CSS, limited to `selectors` (all of them by default).
    public func cssText(selectors chosen: [Selector]? = nil) -> String {
        let list = (chosen ?? selectors).map(\.text).joined(separator: ", ")
        var text = list + " {\n"
        for declaration in declarations { text += "  " + declaration.cssText + ";\n" }
        return text + "}"
    }
}
