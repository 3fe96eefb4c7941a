// Phrase search in text that is already lower-cased: a plain byte search (memchr for the first byte, memcmp for the rest). On Linux, Foundation's
// `String.contains(_:)` goes through CFString on every call, and the phrase lists made that half of the
// bounce benchmark's time. The phrases are ASCII, so bytes and characters agree. The checker uses it too, to find
// the unsubscribe token in each link without copying both into arrays.
#if canImport(Glibc)
import Glibc
#endif

extension String {
    /// True when `phrase`'s UTF-8 bytes occur in this string's, as they are (no case folding).
    func containsPhrase(_ phrase: String) -> Bool {
        utf8Offset(ofPhrase: phrase) != nil
    }

    /// The UTF-8 offset of the first occurrence of `phrase`'s bytes, as they are; nil when there is none.
    func utf8Offset(ofPhrase phrase: String) -> Int? {
        var text = self, phrase = phrase  // withUTF8 is mutating: it may make a bridged string contiguous
        return text.withUTF8 { haystack in
            phrase.withUTF8 { needle -> Int? in
                guard !needle.isEmpty else { return 0 }
                guard haystack.count >= needle.count, let start = haystack.baseAddress, let sought = needle.baseAddress else {
                    return nil
                }
                let last = haystack.count - needle.count
                var position = 0
                while position <= last {
                    guard let found = memchr(start + position, Int32(needle[0]), last - position + 1) else { return nil }
                    let offset = UnsafeRawPointer(start).distance(to: UnsafeRawPointer(found))
                    if memcmp(start + offset, sought, needle.count) == 0 { return offset }
                    position = offset + 1
                }
                return nil
            }
        }
    }
}
