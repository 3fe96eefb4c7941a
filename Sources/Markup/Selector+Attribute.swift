// An attribute selector: `[name]`, `[name=value]` and the other operators, with the ` i` flag.

extension Selector {
    /// `[name op "value" i]`.
    public struct Attribute: Sendable, Equatable {
        /// How the attribute's value is compared.
        public enum Operator: Sendable, Equatable {
            /// `[a]`: present.
            case exists
            /// `[a=v]`
            case equals
            /// `[a~=v]`: one of the whitespace-separated words.
            case includesWord
            /// `[a|=v]`: `v` or starts with `v-`.
            case dashMatch
            /// `[a^=v]`
            case prefix
            /// `[a$=v]`
            case suffix
            /// `[a*=v]`
            case substring
        }

        /// The attribute name, lower-cased (HTML attribute names are case-insensitive).
        public var name: String
        public var `operator`: Operator
        public var value: String
        /// The ` i` flag: compare ASCII case-insensitively.
        public var caseInsensitive: Bool

        /// Creates an attribute selector.
        public init(name: String, operator: Operator = .exists, value: String = "", caseInsensitive: Bool = false) {
            self.name = name
            self.operator = `operator`
            self.value = value
            self.caseInsensitive = caseInsensitive
        }

        /// Whether an attribute value (nil when absent) satisfies this selector.
        public func matches(_ present: String?) -> Bool {
            guard let present else { return false }
            if self.operator == .exists { return true }
            let actual = caseInsensitive ? present.lowercased() : present
            let expected = caseInsensitive ? value.lowercased() : value
            switch self.operator {
            case .exists: return true
            case .equals: return actual == expected
            case .includesWord:
                return !expected.isEmpty && !expected.contains(where: { $0.isWhitespace })
                    && actual.split(whereSeparator: { $0.isWhitespace }).contains { $0 == expected }
            case .dashMatch: return actual == expected || actual.hasPrefix(expected + "-")
            // Selectors Level 3 §6.3.2: an empty value never matches ^=, $= or *=.
            case .prefix: return !expected.isEmpty && actual.hasPrefix(expected)
            case .suffix: return !expected.isEmpty && actual.hasSuffix(expected)
            case .substring: return !expected.isEmpty && actual.contains(expected)
            }
        }
    }
}
