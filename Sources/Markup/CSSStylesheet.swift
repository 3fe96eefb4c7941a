// A parsed stylesheet: style rules and at-rules in source order, and what was skipped as broken.
// Parsing never fails; see CSSParser for how broken CSS is recovered from.

/// A stylesheet parsed once, then matched against a document by the `Inliner`.
public struct Stylesheet: Sendable {
    /// A top-level item in source order.
    public enum Item: Sendable {
        case rule(StyleRule)
        case atRule(AtRule)
    }

    /// Style rules and at-rules in source order (nested rules flattened after their parent).
    public var items: [Item]
    /// What was skipped, with lines inside this stylesheet.
    public var diagnostics: [CSSDiagnostic]

    /// Parses CSS text; `source` names it in diagnostics ("extra CSS", an href …).
    public init(parsing css: String, source: String = "") {
        var parser = CSSParser(css, source: source)
        items = parser.parseStylesheet()
        diagnostics = parser.diagnostics
    }

    /// The style rules only, in source order.
    public var rules: [StyleRule] {
        items.compactMap { if case .rule(let rule) = $0 { return rule } else { return nil } }
    }

    /// The at-rules only, in source order.
    public var atRules: [AtRule] {
        items.compactMap { if case .atRule(let rule) = $0 { return rule } else { return nil } }
    }

    /// Parses the content of a `style` attribute (a declaration list without braces); diagnostics count lines
    /// from 1 inside the attribute.
    public static func declarations(
        inStyleAttribute text: String, source: String = "style attribute"
    ) -> (declarations: [Declaration], diagnostics: [CSSDiagnostic]) {
        var parser = CSSParser(text, source: source)
        let declarations = parser.parseDeclarationList()
        return (declarations, parser.diagnostics)
    }
}
