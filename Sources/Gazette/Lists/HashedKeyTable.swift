// A map from 64-bit hashes (AddressKey's FNV-1a) to 64-bit values, open addressing with linear probing: validate
// keeps one entry per distinct address of a million-row list, 16 bytes each, with no hashing of its own.

/// UInt64 → UInt64 for keys that are already well-mixed hashes. Key 0 is stored as 1 (a collision only makes a
/// false duplicate, as a 64-bit collision would).
struct HashedKeyTable {
    private var keys: [UInt64]
    private var values: [UInt64]
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }  // at most half full
        keys = [UInt64](repeating: 0, count: size)
        values = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    /// Room for `capacity` entries without growing.
    mutating func reserveCapacity(_ capacity: Int) {
        if capacity * 2 > keys.count { grow(to: capacity) }
    }

    /// The value for `key`, or nil.
    func value(for key: UInt64) -> UInt64? {
        let key = key == 0 ? 1 : key
        var slot = Self.slot(key, mask)
        while true {
            let found = keys[slot]
            if found == key { return values[slot] }
            if found == 0 { return nil }
            slot = (slot + 1) & mask
        }
    }

    /// Stores `value` for `key` unless the key is there already; returns the value kept.
    mutating func insertIfAbsent(_ key: UInt64, _ value: UInt64) -> UInt64 {
        let key = key == 0 ? 1 : key
        var slot = Self.slot(key, mask)
        while true {
            let found = keys[slot]
            if found == key { return values[slot] }
            if found == 0 { break }
            slot = (slot + 1) & mask
        }
        keys[slot] = key
        values[slot] = value
        count += 1
        if count * 2 > keys.count { grow(to: count) }
        return value
    }

    /// FNV's low bits are its weakest: Fibonacci hashing takes the high bits of a multiply instead.
    private static func slot(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    private mutating func grow(to capacity: Int) {
        var bigger = HashedKeyTable(capacity: max(capacity, keys.count))
        for index in keys.indices where keys[index] != 0 { _ = bigger.insertIfAbsent(keys[index], values[index]) }
        self = bigger
    }
}
