// A map from byte strings to 64-bit values that keeps every key whole: two keys are the same entry only when
// their bytes are equal, whatever their hashes. Validate's dedupe table (one entry per distinct address) and its
// cache of domains. The hash reads 8 bytes at a time; it is this table's own, not AddressKey.hash64.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte string → UInt64, open addressing with linear probing. Each entry is one record in a byte store that
/// only grows: its value (8 bytes), its key's length (4 bytes) and the key; a slot holds the hash's high 32 bits
/// and the record's offset, so a probe compares keys only when those 32 bits match — nearly only for a key that
/// is there — and an insert is one copy.
final class ByteKeyTable {
    private var slots: [UInt64]  // 0: empty; else hash >> 32 << 32 | (offset + 1)
    private var mask: Int
    private var store: UnsafeMutableRawPointer?
    private var storeCount = 0, storeCapacity = 0
    /// How many keys the table holds.
    private(set) var count = 0
    private static let headerSize = 12

    init(capacity: Int = 64) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }  // at most half full
        slots = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    deinit { free(store) }

    /// Room for `capacity` keys of about `keyLength` bytes without growing.
    func reserveCapacity(_ capacity: Int, keyLength: Int) {
        _ = reserveStore(storeCount + capacity * (Self.headerSize + keyLength))
        if capacity * 2 > slots.count { rehash(capacity: capacity) }
    }

    /// The value stored for `key`, or nil.
    func value(for key: UnsafeBufferPointer<UInt8>) -> UInt64? {
        switch find(key, hash: Self.hash(key)) {
        case .found(let offset): return store.map { $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self) }
        case .empty: return nil
        }
    }

    /// Stores `value` for `key` unless the key is there already; returns the value kept (the earlier one if so).
    /// Past 4 GB of keys, or when memory runs out, a new key is no longer remembered (its value is returned as if
    /// stored): a later duplicate of it goes unreported, nothing breaks.
    func insertIfAbsent(_ key: UnsafeBufferPointer<UInt8>, _ value: UInt64) -> UInt64 {
        let hash = Self.hash(key)
        switch find(key, hash: hash) {
        case .found(let offset):
            return store.map { $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self) } ?? value
        case .empty(let slot):
            let offset = storeCount, size = Self.headerSize + key.count
            guard key.count < Int(UInt32.max), offset + size < Int(UInt32.max), reserveStore(offset + size), let store else { return value }
            store.storeBytes(of: value, toByteOffset: offset, as: UInt64.self)
            store.storeBytes(of: UInt32(key.count), toByteOffset: offset + 8, as: UInt32.self)
            if let base = key.baseAddress { memcpy(store + offset + Self.headerSize, base, key.count) }
            storeCount += size
            slots[slot] = hash & 0xFFFF_FFFF_0000_0000 | UInt64(offset + 1)
            count += 1
            if count * 2 > slots.count { rehash(capacity: count) }
            return value
        }
    }

    private enum Probe { case found(offset: Int), empty(slot: Int) }

    private func find(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Probe {
        let tag = hash & 0xFFFF_FFFF_0000_0000
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let found = slots[slot]
            if found == 0 { return .empty(slot: slot) }
            if found & 0xFFFF_FFFF_0000_0000 == tag, let store {
                let offset = Int(truncatingIfNeeded: found & 0xFFFF_FFFF) - 1
                let length = Int(store.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self))
                if length == key.count {
                    guard let base = key.baseAddress else { return .found(offset: offset) }  // the empty key
                    if memcmp(store + offset + Self.headerSize, base, length) == 0 { return .found(offset: offset) }
                }
            }
            slot = (slot + 1) & mask
        }
    }

    /// Makes the store hold at least `needed` bytes, growing by half (realloc: large blocks move without a copy).
    private func reserveStore(_ needed: Int) -> Bool {
        guard needed > storeCapacity else { return true }
        let capacity = max(needed, storeCapacity + storeCapacity / 2, 4096)
        guard let grown = realloc(store, capacity) else { return false }
        store = grown
        storeCapacity = capacity
        return true
    }

    private func rehash(capacity: Int) {
        var size = slots.count
        while size < capacity * 2 { size <<= 1 }
        var bigger = [UInt64](repeating: 0, count: size)
        let biggerMask = size - 1
        guard let store else { slots = bigger; mask = biggerMask; return }
        for found in slots where found != 0 {
            let offset = Int(truncatingIfNeeded: found & 0xFFFF_FFFF) - 1
            let length = Int(store.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self))
            let key = UnsafeBufferPointer(start: (store + offset + Self.headerSize).assumingMemoryBound(to: UInt8.self), count: length)
            let hash = Self.hash(key)
            var slot = Int(truncatingIfNeeded: hash) & biggerMask
            while bigger[slot] != 0 { slot = (slot + 1) & biggerMask }
            bigger[slot] = found
        }
        slots = bigger
        mask = biggerMask
    }

    /// A 64-bit hash of `bytes`, 8 bytes at a time: each word mixed in with a multiply, the last word read so that
    /// it ends with the key (overlapping the one before; the length is mixed in too), then the murmur3 finaliser so
    /// that both the low bits (the slot) and the high bits (the tag) depend on every byte. Quality matters for
    /// speed only: keys are compared whole.
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        guard let base = bytes.baseAddress else { return hash }
        let raw = UnsafeRawPointer(base), count = bytes.count
        if count >= 8 {
            var index = 0
            while index + 8 < count {
                hash = (hash ^ raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
                hash ^= hash >> 29
                index += 8
            }
            hash = (hash ^ raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
        } else {
            var tail: UInt64 = 0
            for index in 0..<count { tail |= UInt64(base[index]) << UInt64(8 * index) }
            hash = (hash ^ tail) &* 0xFF51_AFD7_ED55_8CCD
        }
        hash ^= hash >> 33
        hash = hash &* 0xC4CE_B9FE_1A85_EC53
        hash ^= hash >> 33
        return hash
    }
}
