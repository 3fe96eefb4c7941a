// A parsed stylesheet: style rules and at-rules in source order, and what was skipped as broken.
// Parsing never fails; see CSSParser for how broken CSS is recovered from.
import Foundation

/// A stylesheet parsed once, then matched against a document by the `Inliner`.
public struct Stylesheet: Sendable {
    /// A top-level item in source order.
    public enum Item: Sendable {
        case rule(StyleRule)
        case atRule(AtRule)
    }

    /// Style rules and at-rules in source order (nested rules flattened after their parent).
    public private(set) var items: [Item]
    /// What was skipped, with lines inside this stylesheet.
    public private(set) var diagnostics: [CSSDiagnostic]
    /// Tells this parse from every other in the process (copies share it): the inliner keeps the rule index it
    /// builds from a list of stylesheets by their identities.
    let identity: Int

    /// Parses CSS text; `source` names it in diagnostics ("extra CSS", an href …).
    public init(parsing css: String, source: String = "") {
        var parser = CSSParser(css, source: source)
        items = parser.parseStylesheet()
        diagnostics = parser.diagnostics
        identity = Self.identities.next()
    }

    private static let identities = IdentityCounter()

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

/// Numbers from 1 up, one per call, from any thread.
final class IdentityCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var last = 0  // behind `lock`

    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        last += 1
        return last
    }
}
