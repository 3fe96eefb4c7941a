// Selector specificity as CSS Selectors Level 3 §9 counts it: ids, then classes/attributes/pseudo-classes,
// then types/pseudo-elements. (Juice counts pseudo-classes with types; see docs/inlining.md.)

/// The specificity of a selector: (a, b, c) compared left to right.
public struct Specificity: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Id selectors.
    public var ids: Int
    /// Class selectors, attribute selectors and pseudo-classes.
    public var classes: Int
    /// Type selectors and pseudo-elements.
    public var types: Int

    /// Creates a specificity.
    public init(ids: Int = 0, classes: Int = 0, types: Int = 0) {
        self.ids = ids
        self.classes = classes
        self.types = types
    }

    public static let zero = Specificity()

    public static func < (lhs: Specificity, rhs: Specificity) -> Bool {
        (lhs.ids, lhs.classes, lhs.types) < (rhs.ids, rhs.classes, rhs.types)
    }

    public static func + (lhs: Specificity, rhs: Specificity) -> Specificity {
        Specificity(ids: lhs.ids + rhs.ids, classes: lhs.classes + rhs.classes, types: lhs.types + rhs.types)
    }

    public var description: String { "(\(ids),\(classes),\(types))" }
}
