// A map from byte strings to 64-bit values that keeps every key whole: two keys are the same entry only when
// their bytes are equal, whatever their hashes. Validate's dedupe table (one entry per distinct address) and its
// cache of domains. The hash reads 8 bytes at a time; it is this table's own, not AddressKey.hash64.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte string → UInt64, open addressing with linear probing; keys are copied into one growing byte store.
struct ByteKeyTable {
    // A slot is 0 (empty) or the hash's high 32 bits << 32 | (entry number + 1): a probe compares keys only when
    // those 32 bits match, so nearly only for a key that is there.
    private var slots: [UInt64]
    private var mask: Int
    private var values: [UInt64] = []
    private var keyEnds: [Int] = []  // entry i's key is keyBytes[keyEnds[i - 1] ..< keyEnds[i]] (from 0 for i = 0)
    private var keyBytes: [UInt8] = []
    /// How many keys the table holds.
    var count: Int { values.count }

    init(capacity: Int = 64) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }  // at most half full
        slots = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    /// Room for `capacity` keys of about `keyLength` bytes without growing.
    mutating func reserveCapacity(_ capacity: Int, keyLength: Int) {
        values.reserveCapacity(capacity)
        keyEnds.reserveCapacity(capacity)
        keyBytes.reserveCapacity(capacity * keyLength)
        if capacity * 2 > slots.count { rehash(capacity: capacity) }
    }

    /// The value stored for `key`, or nil.
    func value(for key: UnsafeBufferPointer<UInt8>) -> UInt64? {
        let hash = Self.hash(key)
        switch find(key, hash: hash) {
        case .found(let entry): return values[entry]
        case .empty: return nil
        }
    }

    /// Stores `value` for `key` unless the key is there already; returns the value kept (the earlier one if so).
    mutating func insertIfAbsent(_ key: UnsafeBufferPointer<UInt8>, _ value: UInt64) -> UInt64 {
        let hash = Self.hash(key)
        switch find(key, hash: hash) {
        case .found(let entry):
            return values[entry]
        case .empty(let slot):
            guard values.count < Int(UInt32.max) - 1 else { return value }  // 4 billion keys: stop remembering
            slots[slot] = hash & 0xFFFF_FFFF_0000_0000 | UInt64(values.count + 1)
            values.append(value)
            keyBytes.append(contentsOf: key)
            keyEnds.append(keyBytes.count)
            if values.count * 2 > slots.count { rehash(capacity: values.count) }
            return value
        }
    }

    private enum Probe { case found(Int), empty(Int) }

    private func find(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Probe {
        let tag = hash & 0xFFFF_FFFF_0000_0000
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let found = slots[slot]
            if found == 0 { return .empty(slot) }
            if found & 0xFFFF_FFFF_0000_0000 == tag {
                let entry = Int(truncatingIfNeeded: found & 0xFFFF_FFFF) - 1
                if equals(entry, key) { return .found(entry) }
            }
            slot = (slot + 1) & mask
        }
    }

    private func equals(_ entry: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = entry == 0 ? 0 : keyEnds[entry - 1]
        guard keyEnds[entry] - start == key.count else { return false }
        return keyBytes.withUnsafeBufferPointer { stored in
            guard let keyBase = key.baseAddress, let storedBase = stored.baseAddress else { return true }  // both empty
            return memcmp(storedBase + start, keyBase, key.count) == 0
        }
    }

    private mutating func rehash(capacity: Int) {
        var size = slots.count
        while size < capacity * 2 { size <<= 1 }
        var bigger = [UInt64](repeating: 0, count: size)
        let biggerMask = size - 1
        keyBytes.withUnsafeBufferPointer { stored in
            for entry in values.indices {
                let start = entry == 0 ? 0 : keyEnds[entry - 1]
                let hash = Self.hash(UnsafeBufferPointer(rebasing: stored[start..<keyEnds[entry]]))
                var slot = Int(truncatingIfNeeded: hash) & biggerMask
                while bigger[slot] != 0 { slot = (slot + 1) & biggerMask }
                bigger[slot] = hash & 0xFFFF_FFFF_0000_0000 | UInt64(entry + 1)
            }
        }
        slots = bigger
        mask = biggerMask
    }

    /// A 64-bit hash of `bytes`, 8 bytes at a time: each word is mixed in with a multiply, the tail zero-padded, the
    /// length last, then a final avalanche (the murmur3 finaliser) so that both the low bits (the slot) and the high
    /// bits (the tag) depend on every byte. Quality matters for speed only: keys are compared whole.
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        guard let base = bytes.baseAddress else { return 0x9E37_79B9_7F4A_7C15 }
        let raw = UnsafeRawPointer(base)
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15
        var index = 0
        while index + 8 <= bytes.count {
            hash = (hash ^ raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            hash ^= hash >> 29
            index += 8
        }
        if index < bytes.count {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while index < bytes.count {
                tail |= UInt64(base[index]) << shift
                shift += 8
                index += 1
            }
            hash = (hash ^ tail) &* 0xFF51_AFD7_ED55_8CCD
            hash ^= hash >> 29
        }
        hash ^= UInt64(bytes.count)
        hash ^= hash >> 33
        hash = hash &* 0xC4CE_B9FE_1A85_EC53
        hash ^= hash >> 33
        return hash
    }
}
