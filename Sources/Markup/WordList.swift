// The words of the paragraph PlainTextWriter is gathering, kept as UTF-8 bytes in one buffer: a String per word
// (made, extended, wrapped and joined again into lines) was most of the text part's own time.

/// Words in order, each a run of bytes; the one-byte word "\n" stands for a hard line break (`<br>`).
struct WordList {
    private(set) var bytes: [UInt8] = []
    /// Where each word ends in `bytes`; word `i` starts where word `i - 1` ends.
    private(set) var ends: [Int] = []

    init() {
        bytes.reserveCapacity(4096)
        ends.reserveCapacity(256)
    }

    init(_ words: [String]) {
        self.init()
        append(contentsOf: words)
    }

    var count: Int { ends.count }
    var isEmpty: Bool { ends.isEmpty }

    func range(of index: Int) -> Range<Int> { (index == 0 ? 0 : ends[index - 1])..<ends[index] }

    /// Word `index` as a String (links and tables, which look at a few words).
    func word(_ index: Int) -> String { String(decoding: bytes[range(of: index)], as: UTF8.self) }

    func isLineBreak(_ index: Int) -> Bool {
        let range = range(of: index)
        return range.count == 1 && bytes[range.lowerBound] == 0x0A
    }

    /// The words from `start` on that are not line breaks, as Strings.
    func strings(from start: Int = 0) -> [String] {
        (start..<count).filter { !isLineBreak($0) }.map(word)
    }

    mutating func append(_ word: String) {
        var word = word
        word.withUTF8 { append(bytes: $0) }
    }

    mutating func append(contentsOf words: [String]) {
        for word in words { append(word) }
    }

    mutating func append(bytes word: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: word)
        ends.append(bytes.count)
    }

    mutating func appendLineBreak() {
        bytes.append(0x0A)
        ends.append(bytes.count)
    }

    /// Adds to the end of the last word (there must be one).
    mutating func extendLast(bytes word: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: word)
        ends[ends.count - 1] = bytes.count
    }

    mutating func extendLast(byte: UInt8) {
        bytes.append(byte)
        ends[ends.count - 1] = bytes.count
    }

    mutating func extendLast(_ text: String) {
        var text = text
        text.withUTF8 { extendLast(bytes: $0) }
    }

    /// Adds `text` to the end of word `index` (line breaks may follow it).
    mutating func extend(_ index: Int, with text: String) {
        let added = Array(text.utf8)
        bytes.insert(contentsOf: added, at: ends[index])
        for later in index..<ends.count { ends[later] += added.count }
    }

    /// Keeps the first `count` words.
    mutating func removeWords(from count: Int) {
        guard count < ends.count else { return }
        bytes.removeSubrange((count == 0 ? 0 : ends[count - 1])...)
        ends.removeSubrange(count...)
    }

    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
    }
}
