// What a walk over a libxml2 tree knows of each element name (its role in the text part, whether it is a block…),
// computed once per distinct name of the walk. libxml2's HTML documents have no name dictionary (every element
// holds its own copy of its name), so names are told apart by their bytes, packed into two integers: no String
// and no hash per element.
internal import CLibXML2

/// Per-name facts of one walk, computed from the name the first time it is met.
struct ElementNameMemo<Value> {
    /// A name of up to 15 bytes, NUL-padded into 16: every HTML element name fits (the longest is 10).
    private struct Key: Equatable {
        var low: UInt64 = 0
        var high: UInt64 = 0
    }

    private var keys: [Key] = []
    private var values: [Value] = []
    private let compute: (String) -> Value

    /// `compute` gives the facts of a lower-case element name ("" for an element without one).
    init(_ compute: @escaping (String) -> Value) {
        self.compute = compute
        keys.reserveCapacity(32)
        values.reserveCapacity(32)
    }

    /// The facts of `node`'s name. A linear search over the names met so far: an email has a few dozen, and
    /// comparing two integers each is cheaper than making a String and hashing it.
    mutating func value(of node: xmlNodePtr) -> Value {
        guard let name = node.pointee.name else { return compute("") }
        guard let key = Self.key(name) else { return compute(String(cString: name)) }
        for index in keys.indices where keys[index] == key { return values[index] }
        let value = compute(String(cString: name))
        if keys.count < 128 {
            keys.append(key)
            values.append(value)
        }
        return value
    }

    /// The name's bytes packed little-endian; nil for a name of 16 bytes or more (computed every time).
    private static func key(_ name: UnsafePointer<xmlChar>) -> Key? {
        var key = Key()
        var index = 0
        while name[index] != 0 {
            guard index < 15 else { return nil }
            if index < 8 {
                key.low |= UInt64(name[index]) << (8 * UInt64(index))
            } else {
                key.high |= UInt64(name[index]) << (8 * UInt64(index - 8))
            }
            index += 1
        }
        return key
    }
}
