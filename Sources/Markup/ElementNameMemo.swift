// What a walk over a libxml2 tree knows of each element name (its role in the text part, whether it is a block…),
// computed once per distinct name of the walk. libxml2's HTML documents have no name dictionary (every element
// holds its own copy of its name), so names are told apart by their bytes, packed into two integers: no String
// and no hash per element.
internal import CLibXML2

/// Numbers for the element names of one walk, in the order they are first met: a walk keeps what it knows of
/// each name in an array by that number. Not generic, so that a walk in another module runs it at full speed.
public struct ElementNameIndex {
    /// A name of up to 15 bytes, NUL-padded into 16: every HTML element name fits (the longest is 10).
    private struct Key: Equatable {
        var low: UInt64 = 0
        var high: UInt64 = 0
    }

    private var keys: [Key] = []
    /// Names past this many get no number (a pathological document; the walk then works its facts out each time).
    static let capacity = 128

    public init() {
        keys.reserveCapacity(32)
    }

    /// The number of `element`'s name: `count` before the call for a name met for the first time. Nil for a
    /// name of 16 bytes or more, or past `capacity` names.
    public mutating func number(of element: HTMLNode) -> Int? { number(of: element.node) }

    /// How many names have a number.
    public var count: Int { keys.count }

    /// A linear search over the names met so far: an email has a few dozen, and comparing two integers each is
    /// cheaper than making a String and hashing it.
    mutating func number(of node: xmlNodePtr) -> Int? {
        guard let key = Self.key(node.pointee.name) else { return nil }
        for index in keys.indices where keys[index] == key { return index }
        guard keys.count < Self.capacity else { return nil }
        keys.append(key)
        return keys.count - 1
    }

    /// The name's bytes packed little-endian ("" for no name); nil for a name of 16 bytes or more.
    private static func key(_ name: UnsafePointer<xmlChar>?) -> Key? {
        var key = Key()
        guard let name else { return key }
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

/// Per-name facts of one walk, computed from the name the first time it is met.
struct ElementNameMemo<Value> {
    private var index = ElementNameIndex()
    private var values: [Value] = []
    private let compute: (String) -> Value

    /// `compute` gives the facts of a lower-case element name ("" for an element without one).
    init(_ compute: @escaping (String) -> Value) {
        self.compute = compute
        values.reserveCapacity(32)
    }

    /// The facts of `node`'s name.
    mutating func value(of node: xmlNodePtr) -> Value {
        guard let number = index.number(of: node) else { return compute(Self.name(of: node)) }
        if number < values.count { return values[number] }
        let value = compute(Self.name(of: node))
        values.append(value)
        return value
    }

    private static func name(of node: xmlNodePtr) -> String {
        node.pointee.name.map { String(cString: $0) } ?? ""
    }
}
