// A complex selector: compound selectors joined by combinators, with its specificity and whether it can be
// inlined. Parsed by SelectorParser, matched by SelectorMatcher.

/// A CSS selector such as `table.main > tr td:first-child`.
public struct Selector: Sendable, CustomStringConvertible {
    /// How two compound selectors relate.
    public enum Combinator: Sendable, Equatable {
        /// `a b`
        case descendant
        /// `a > b`
        case child
        /// `a + b`
        case nextSibling
        /// `a ~ b`
        case subsequentSibling
    }

    /// Why a selector cannot be written into a `style` attribute.
    public enum Retention: Sendable, Equatable {
        /// `:hover`, `:focus` … depend on the reader's actions.
        case dynamicPseudoClass(String)
        /// `::before`, `:after` … style something that is not an element.
        case pseudoElement(String)
        /// A pseudo-class this matcher does not evaluate (`:checked`, `:is()` …); kept for clients that do.
        case unsupportedPseudoClass(String)
    }

    /// The selector as written (trimmed).
    public var text: String
    /// Compound selectors from left to right.
    public var compounds: [Compound]
    /// `combinators[i]` joins `compounds[i]` and `compounds[i + 1]`.
    public var combinators: [Combinator]
    /// Specificity per CSS Selectors Level 3.
    public var specificity: Specificity
    /// Why the selector must stay in a `<style>` element; nil when it can be inlined.
    public var retention: Retention?

    /// Whether matching elements can receive the rule's declarations in their `style` attribute.
    public var isInlinable: Bool { retention == nil }

    /// Parses one selector (not a list); nil when it is not valid.
    public init?(_ text: String) {
        guard case .success(let selector) = SelectorParser.parse(text) else { return nil }
        self = selector
    }

    init(text: String, compounds: [Compound], combinators: [Combinator], retention: Retention?) {
        self.text = text
        self.compounds = compounds
        self.combinators = combinators
        self.retention = retention
        specificity = compounds.reduce(.zero) { $0 + $1.specificity }
    }

    public var description: String { text }
}
