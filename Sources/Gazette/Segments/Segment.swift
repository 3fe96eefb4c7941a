// A segment of the audience, as an issue's front matter names it under `audience:` — subscribers with any of
// some tags, none of others, and attributes (CSV columns) with given values. Applied row by row while an
// audience is read, so publish, check and the counts agree on who is in it.
import Foundation

/// Which subscribers of an issue's lists the issue goes to.
public struct Segment: Sendable, Hashable {
    /// A subscriber has at least one of these tags (none listed: any subscriber).
    public var tags: [String] = []
    /// A subscriber has none of these tags.
    public var excludeTags: [String] = []
    /// Column name → accepted values: a subscriber's value must be one of them, for every column named.
    public var conditions: [(attribute: String, values: [String])] = []
    /// Where each part is written in the front matter, for diagnostics.
    public var locations = Locations()

    public struct Locations: Sendable, Hashable {
        public var tags: SourceLocation?
        public var excludeTags: SourceLocation?
        public var conditions: [String: SourceLocation] = [:]
    }

    public init(tags: [String] = [], excludeTags: [String] = [], conditions: [(attribute: String, values: [String])] = []) {
        self.tags = tags
        self.excludeTags = excludeTags
        self.conditions = conditions
    }

    /// True when every subscriber of the lists is in the segment.
    public var isEverybody: Bool { tags.isEmpty && excludeTags.isEmpty && conditions.isEmpty }

    /// Whether a subscriber with these fields is in the segment. Tags and values compare case-insensitively,
    /// trimmed: `Rust` in a list matches `rust` in the front matter.
    public func contains(_ fields: [String: String]) -> Bool {
        if isEverybody { return true }
        if !tags.isEmpty || !excludeTags.isEmpty {
            let own = Self.tags(in: fields["tags"])
            if !tags.isEmpty, !tags.contains(where: { own.contains(Self.fold($0)) }) { return false }
            if excludeTags.contains(where: { own.contains(Self.fold($0)) }) { return false }
        }
        for condition in conditions {
            let value = Self.fold(fields[condition.attribute] ?? "")
            if !condition.values.contains(where: { Self.fold($0) == value }) { return false }
        }
        return true
    }

    /// The tags of a `tags` cell: `;`-separated, trimmed, folded, empty ones left out.
    public static func tags(in cell: String?) -> Set<String> {
        guard let cell, !cell.isEmpty else { return [] }
        return Set(cell.split(separator: ";").map { fold(String($0)) }.filter { !$0.isEmpty })
    }

    static func fold(_ text: String) -> String { text.trimmingCharacters(in: .whitespaces).lowercased() }

    public static func == (lhs: Segment, rhs: Segment) -> Bool {
        lhs.tags == rhs.tags && lhs.excludeTags == rhs.excludeTags
            && lhs.conditions.map(\.attribute) == rhs.conditions.map(\.attribute)
            && lhs.conditions.map(\.values) == rhs.conditions.map(\.values)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(tags)
        hasher.combine(excludeTags)
        for condition in conditions { hasher.combine(condition.attribute); hasher.combine(condition.values) }
    }
}
