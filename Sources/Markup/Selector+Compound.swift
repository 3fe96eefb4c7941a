// A compound selector (`td.cell#x[align]:first-child`): the simple selectors that one element must all match.

extension Selector {
    /// Simple selectors that apply to one element, stored by kind so the cheapest checks run first.
    public struct Compound: Sendable, Equatable {
        /// The type selector, lower-cased; nil for `*` or none.
        public var tag: String?
        /// Id selectors (normally at most one).
        public var ids: [String] = []
        /// Class selectors.
        public var classes: [String] = []
        /// Attribute selectors.
        public var attributes: [Attribute] = []
        /// Structural pseudo-classes and `:not()`.
        public var pseudoClasses: [PseudoClass] = []
        /// Pseudo-elements (`::before` …) count for specificity only; they make the selector non-inlinable.
        public var pseudoElementCount = 0
        /// Pseudo-classes not evaluated here (`:hover`, `:checked` …): counted for specificity only.
        public var unevaluatedPseudoClassCount = 0

        /// Creates an empty compound (matches any element).
        public init(tag: String? = nil) { self.tag = tag }

        /// Whether nothing but `*` was written.
        public var isUniversal: Bool {
            tag == nil && ids.isEmpty && classes.isEmpty && attributes.isEmpty && pseudoClasses.isEmpty
        }

        /// The specificity of this compound alone.
        public var specificity: Specificity {
            var result = Specificity(
                ids: ids.count, classes: classes.count + attributes.count + unevaluatedPseudoClassCount,
                types: (tag == nil ? 0 : 1) + pseudoElementCount)
            for pseudo in pseudoClasses {
                if case .not(let inner) = pseudo {
                    // Selectors Level 3 §9: :not() counts as its argument, not as a pseudo-class.
                    result = result + inner.reduce(.zero) { max($0, $1.specificity) }
                } else {
                    result.classes += 1
                }
            }
            return result
        }
    }
}
