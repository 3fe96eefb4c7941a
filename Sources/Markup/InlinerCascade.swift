// The cascade for one element: which declarations survive and in which order they are written to `style`.
// Follows Juice so its cases compare: a later or stronger declaration of a property replaces the earlier
// one, except that repeats inside one rule are all kept (`background: red; background: linear-gradient(…)`).

/// The surviving declarations of one element, per property.
struct InlinerCascade {
    /// Where a declaration comes from, in increasing strength (CSS Cascade §6.1 for one origin).
    enum Origin: Int, Comparable {
        case rule = 0, styleAttribute = 1, importantRule = 2, importantStyleAttribute = 3
        static func < (lhs: Origin, rhs: Origin) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// One candidate declaration with everything that orders it.
    struct Entry {
        var declaration: Declaration
        var origin: Origin
        var specificity: Specificity
        /// Source order: the declaration's position among all declarations of the run (or of the attribute).
        var position: Int
        /// The rule-and-selector it came from (-1 for the style attribute): repeats from one source chain.
        var source: Int

        /// Juice's priority: origin, then specificity, then source order; later wins a tie.
        func outranks(_ other: Entry) -> Bool {
            if origin != other.origin { return origin > other.origin }
            if specificity != other.specificity { return specificity > other.specificity }
            return position >= other.position
        }
    }

    /// Every entry ever accepted; `alive` says which still count. Entries are never moved, so sorting the
    /// output sorts small indices instead of copying declarations (that copying dominated the profile).
    private(set) var entries: [Entry] = []
    private var alive: [Bool] = []
    /// For each entry, the repeat from the same source it followed (-1 for none).
    private var previous: [Int32] = []
    /// Per property, the index of the winning entry.
    private var heads: [String: Int32] = [:]

    var isEmpty: Bool { heads.isEmpty }

    mutating func add(_ entry: Entry) {
        let property = entry.declaration.property
        var link: Int32 = -1
        if let headIndex = heads[property] {
            let head = entries[Int(headIndex)]
            guard entry.outranks(head) else { return }
            if head.source == entry.source {
                link = headIndex
            } else {
                var dead = headIndex
                while dead >= 0 {
                    alive[Int(dead)] = false
                    dead = previous[Int(dead)]
                }
            }
        }
        heads[property] = Int32(entries.count)
        entries.append(entry)
        alive.append(true)
        previous.append(link)
    }

    /// The winning declaration of a property.
    func winner(_ property: String) -> Declaration? {
        heads[property].map { entries[Int($0)].declaration }
    }

    /// Indices into `entries` of every surviving entry, in the order Juice writes them: weakest first.
    var orderedIndices: [Int] {
        var result = entries.indices.filter { alive[$0] }
        result.sort { left, right in
            let lhs = entries[left], rhs = entries[right]
            if lhs.origin != rhs.origin { return lhs.origin < rhs.origin }
            if lhs.specificity != rhs.specificity { return lhs.specificity < rhs.specificity }
            return lhs.position < rhs.position
        }
        return result
    }
}
