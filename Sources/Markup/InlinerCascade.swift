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

    /// One candidate declaration with everything that orders it. It names its declaration by position instead of
    /// holding a copy: a Declaration is three reference-counted fields, and copying entries was a tenth of inlining.
    struct Entry {
        /// The declaration's property as numbered by the run's `InlinerProperties`.
        var property: Int32
        var origin: Origin
        var specificity: Specificity
        /// Source order, and where the declaration is: its position among all declarations of the run's rules,
        /// or, for the style attribute, among `attributeDeclarations`.
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
    /// Per property number, the index of the winning entry (-1: none yet).
    private var heads: [Int32] = []

    /// The element's own `style` declarations, which entries from the attribute (source -1) point into.
    var attributeDeclarations: [Declaration] = []

    /// False when another element with the same rules and `style` may not get the same output: the attribute has
    /// a problem to report for each element, or holds custom properties.
    var isReusable = true

    var isEmpty: Bool { entries.isEmpty }

    /// The declaration of `entries[index]`; `rules` is every declaration of the run's rules, in source order.
    func declaration(at index: Int, rules: [Declaration]) -> Declaration {
        let entry = entries[index]
        return entry.source < 0 ? attributeDeclarations[entry.position] : rules[entry.position]
    }

    /// An empty cascade with room for the run's properties known so far (growing arrays one entry at a time
    /// was most of the cascade's cost).
    init(propertyCount: Int = 0) {
        heads = [Int32](repeating: -1, count: propertyCount)
        entries.reserveCapacity(32)
        alive.reserveCapacity(32)
        previous.reserveCapacity(32)
    }

    mutating func add(_ entry: Entry) {
        let property = Int(entry.property)
        if property >= heads.count { heads += repeatElement(-1, count: property + 1 - heads.count) }
        var link: Int32 = -1
        let headIndex = heads[property]
        if headIndex >= 0 {
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

    /// The winning declaration of a property, by its number.
    func winner(_ property: Int32?, rules: [Declaration]) -> Declaration? {
        guard let property, Int(property) < heads.count else { return nil }
        let head = heads[Int(property)]
        return head >= 0 ? declaration(at: Int(head), rules: rules) : nil
    }

    /// Indices into `entries` of every surviving entry, in the order Juice writes them: weakest first.
    var orderedIndices: [Int] {
        // One packed key per entry (origin, specificity clamped to 255 each, position) sorts as the tuple would.
        var keyed: [(key: UInt64, index: Int)] = []
        keyed.reserveCapacity(entries.count)
        for (index, entry) in entries.enumerated() where alive[index] {
            let clamp = { (value: Int) in UInt64(min(max(value, 0), 255)) }
            let key = UInt64(entry.origin.rawValue) << 56 | clamp(entry.specificity.ids) << 48
                | clamp(entry.specificity.classes) << 40 | clamp(entry.specificity.types) << 32
                | UInt64(min(max(entry.position, 0), Int(UInt32.max)))
            keyed.append((key, index))
        }
        keyed.sort { $0.key < $1.key }
        return keyed.map(\.index)
    }
}

/// What decides an element's inlined output when no custom properties are in play: its name (for the Outlook
/// attributes), its own `style` and the rule instances that matched it, in order.
struct StyleSignature: Hashable, Sendable {
    var name: String
    var style: String?
    var instances: [Int32]
    /// `StyleSignatureTable.hash` of the parts, worked out once: hashing is then of this alone.
    var partsHash: UInt64

    init(name: String, style: String?, instances: [Int32], partsHash: UInt64) {
        self.name = name
        self.style = style
        self.instances = instances
        self.partsHash = partsHash
    }

    static func == (lhs: StyleSignature, rhs: StyleSignature) -> Bool {
        lhs.partsHash == rhs.partsHash && lhs.name == rhs.name && lhs.style == rhs.style && lhs.instances == rhs.instances
    }

    func hash(into hasher: inout Hasher) { hasher.combine(partsHash) }
}

/// The first element of a run with each StyleSignature, found without making one: an element's parts are hashed
/// (FNV-1a) and compared in place, where a Dictionary of signatures cost an array and a SipHash per element.
struct StyleSignatureTable {
    private struct Entry {
        var hash: UInt64
        var element: Int
        var name: String
        var style: String?
        /// The matched instances, in `instanceStore`.
        var instances: Range<Int>
    }

    private var entries: [Entry] = []
    private var instanceStore: [Int32] = []
    /// Open addressing: indices into `entries`, -1 for an empty slot; never more than half full.
    private var slots = [Int32](repeating: -1, count: 64)

    /// The hash of a signature's parts, given to `element(name:…)` and `add`.
    static func hash(name: String, style: String?, instances: [Int32]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ value: UInt64) { hash = (hash ^ value) &* 0x0000_0100_0000_01b3 }
        for byte in name.utf8 { mix(UInt64(byte)) }
        mix(0x100)
        if var style {
            style.withUTF8 { for byte in $0 { mix(UInt64(byte)) } }
        } else {
            mix(0x101)
        }
        for instance in instances { mix(UInt64(UInt32(bitPattern: instance)) | 0x2_0000_0000) }
        return hash
    }

    /// The element added with the same name, style and instances, if any.
    func element(name: String, style: String?, instances: [Int32], hash: UInt64) -> Int? {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] >= 0 {
            let entry = entries[Int(slots[slot])]
            if entry.hash == hash, entry.name == name, entry.style == style,
               instanceStore[entry.instances].elementsEqual(instances) {
                return entry.element
            }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// Records `element` as the first with this signature (not already in the table).
    mutating func add(_ element: Int, name: String, style: String?, instances: [Int32], hash: UInt64) {
        let start = instanceStore.count
        instanceStore += instances
        entries.append(Entry(hash: hash, element: element, name: name, style: style, instances: start..<instanceStore.count))
        if entries.count * 2 > slots.count {
            slots = [Int32](repeating: -1, count: slots.count * 2)
            for index in entries.indices { place(Int32(index)) }
        } else {
            place(Int32(entries.count - 1))
        }
    }

    private mutating func place(_ index: Int32) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: entries[Int(index)].hash) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = index
    }
}
