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
///
/// A million keys make 16 MB of slots, far past the caches: nearly every insert of a new key misses on its slot.
/// `warmSlots` reads the slots of a batch of keys together, so that their misses overlap instead of coming one
/// after the other, and large slot arrays ask for huge pages, so that the misses do not also miss the TLB.
final class ByteKeyTable {
    private var slots: UnsafeMutablePointer<UInt64>  // 0: empty; else hash >> 32 << 32 | (offset + 1)
    private var slotCount: Int, slotsAreHuge: Bool
    private var mask: Int
    private var store: UnsafeMutableRawPointer?
    private var storeCount = 0, storeCapacity = 0
    /// How many keys the table holds.
    private(set) var count = 0
    /// How many warmed slots were empty: written so that the reads of `warmSlots` are not optimised away.
    private(set) var emptyWarmedSlots = 0
    private static let headerSize = 12

    init(capacity: Int = 64) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }  // at most half full
        (slots, slotsAreHuge) = Self.allocateSlots(size)
        slotCount = size
        mask = size - 1
    }

    deinit {
        free(store)
        Self.releaseSlots(slots, huge: slotsAreHuge)
    }

    /// Room for `capacity` keys of about `keyLength` bytes without growing.
    func reserveCapacity(_ capacity: Int, keyLength: Int) {
        _ = reserveStore(storeCount + capacity * (Self.headerSize + keyLength))
        if capacity * 2 > slotCount { rehash(capacity: capacity) }
    }

    /// The value stored for `key`, or nil.
    func value(for key: UnsafeBufferPointer<UInt8>) -> UInt64? {
        switch find(key, hash: Self.hash(key)) {
        case .found(let offset): return store.map { $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self) }
        case .empty: return nil
        }
    }

    /// Reads the first slot of each hash (of keys about to be inserted, in `hashes`), all before using any: the
    /// cache misses of a batch then overlap, and the inserts that follow find their slots in the cache.
    func warmSlots(_ hashes: UnsafeBufferPointer<UInt64>) {
        let slots = slots, mask = mask
        var empty = 0
        for hash in hashes where slots[Int(truncatingIfNeeded: hash) & mask] == 0 { empty += 1 }
        emptyWarmedSlots &+= empty
    }

    /// Stores `value` for `key` unless the key is there already; returns the value kept (the earlier one if so).
    /// Past 4 GB of keys, or when memory runs out, a new key is no longer remembered (its value is returned as if
    /// stored): a later duplicate of it goes unreported, nothing breaks.
    func insertIfAbsent(_ key: UnsafeBufferPointer<UInt8>, _ value: UInt64) -> UInt64 {
        insertIfAbsent(key, value, hash: Self.hash(key))
    }

    /// The same, with `hash` already computed: `Self.hash(key)`.
    func insertIfAbsent(_ key: UnsafeBufferPointer<UInt8>, _ value: UInt64, hash: UInt64) -> UInt64 {
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
            if count * 2 > slotCount { rehash(capacity: count) }
            return value
        }
    }

    private enum Probe { case found(offset: Int), empty(slot: Int) }

    private func find(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Probe {
        let slots = slots, mask = mask, store = store  // locals: no exclusivity check per probe
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

    /// `count` zeroed slots; from 2 MB on, aligned to 2 MB and marked for transparent huge pages (where the
    /// kernel offers them only on request, as Debian's does): one TLB entry then covers 262,144 slots, not 512.
    /// Smaller ones, or when that fails, come from Swift's allocator, which traps when no memory is left, as the
    /// array it replaces did. `huge` says which, for `releaseSlots`.
    private static func allocateSlots(_ count: Int) -> (slots: UnsafeMutablePointer<UInt64>, huge: Bool) {
        let bytes = count * MemoryLayout<UInt64>.stride, hugePage = 2 << 20
        var raw: UnsafeMutableRawPointer?
        if bytes >= hugePage, posix_memalign(&raw, hugePage, bytes) == 0, let raw {
            #if canImport(Glibc)
            _ = madvise(raw, bytes, MADV_HUGEPAGE)  // advice only: without it the table is the same, a little slower
            #endif
            memset(raw, 0, bytes)
            return (raw.bindMemory(to: UInt64.self, capacity: count), true)
        }
        let slots = UnsafeMutablePointer<UInt64>.allocate(capacity: count)
        slots.initialize(repeating: 0, count: count)
        return (slots, false)
    }

    private static func releaseSlots(_ slots: UnsafeMutablePointer<UInt64>, huge: Bool) {
        if huge { free(slots) } else { slots.deallocate() }
    }

    private func rehash(capacity: Int) {
        var size = slotCount
        while size < capacity * 2 { size <<= 1 }
        let (bigger, huge) = Self.allocateSlots(size)
        let biggerMask = size - 1
        let old = slots, oldCount = slotCount, oldHuge = slotsAreHuge
        defer { Self.releaseSlots(old, huge: oldHuge) }
        slots = bigger
        slotCount = size
        slotsAreHuge = huge
        mask = biggerMask
        guard let store else { return }
        for found in UnsafeBufferPointer(start: old, count: oldCount) where found != 0 {
            let offset = Int(truncatingIfNeeded: found & 0xFFFF_FFFF) - 1
            let length = Int(store.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self))
            let key = UnsafeBufferPointer(start: (store + offset + Self.headerSize).assumingMemoryBound(to: UInt8.self), count: length)
            let hash = Self.hash(key)
            var slot = Int(truncatingIfNeeded: hash) & biggerMask
            while bigger[slot] != 0 { slot = (slot + 1) & biggerMask }
            bigger[slot] = found
        }
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
