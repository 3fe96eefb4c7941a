// The pseudo-classes that can be decided from the document alone (structure, not the reader's actions).

extension Selector {
    /// A structural pseudo-class or `:not()`.
    public indirect enum PseudoClass: Sendable, Equatable {
        case root, empty
        case firstChild, lastChild, onlyChild
        case firstOfType, lastOfType, onlyOfType
        case nthChild(Nth), nthLastChild(Nth), nthOfType(Nth), nthLastOfType(Nth)
        /// `:not(a, b)`: none of the compounds matches.
        case not([Compound])
    }

    /// An `an+b` pattern (`odd` is 2n+1, `even` is 2n).
    public struct Nth: Sendable, Equatable {
        public var a: Int
        public var b: Int

        /// Creates a pattern.
        public init(a: Int, b: Int) {
            self.a = a
            self.b = b
        }

        /// Whether the 1-based `position` is `a·n + b` for some n ≥ 0.
        public func matches(_ position: Int) -> Bool {
            if a == 0 { return position == b }
            let offset = position - b
            return offset % a == 0 && offset / a >= 0
        }
    }
}
