// A rendered text with holes: literal chunks between per-recipient slots. Filling it is byte copying,
// no parsing and no rendering, so a publish can personalize hundreds of thousands of messages a second.

import Foundation  // memchr, memcmp

/// Literal chunks and slots: chunk 0, slot 0, chunk 1, … chunk n.
public struct PersonalizationTemplate: Sendable, Equatable, Codable {
    /// How a slot's value is written: escaped for HTML, or as it is for text and headers.
    public enum Escaping: String, Sendable, Codable { case html, none }

    public private(set) var chunks: [[UInt8]]
    /// For each hole, the index of its slot in the slot names.
    public private(set) var slots: [Int]
    public let escaping: Escaping

    /// Splits `text` on slot tokens (`GZSLOT<n>Z`).
    public init(splitting text: String, escaping: Escaping) {
        self.escaping = escaping
        var text = text
        (chunks, slots) = text.withUTF8 { Self.split($0) }
    }

    /// Splits UTF-8 `bytes` on slot tokens, as `init(splitting:escaping:)` does a String's.
    public init(splittingBytes bytes: [UInt8], escaping: Escaping) {
        self.escaping = escaping
        (chunks, slots) = bytes.withUnsafeBufferPointer { Self.split($0) }
    }

    /// Chunks and slot numbers of UTF-8 text. Candidates are found with memchr on the token's first byte: this
    /// runs over the whole email and text of every issue.
    private static func split(_ bytes: UnsafeBufferPointer<UInt8>) -> (chunks: [[UInt8]], slots: [Int]) {
        let prefix = Array(SlotTable.prefix.utf8)
        var chunks: [[UInt8]] = [], slots: [Int] = []
        var chunkStart = 0, index = 0
        guard let base = bytes.baseAddress else { return ([[]], []) }
        while index + prefix.count < bytes.count {
            guard let found = memchr(base + index, Int32(prefix[0]), bytes.count - index - prefix.count) else { break }
            index = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            guard memcmp(base + index, prefix, prefix.count) == 0 else {
                index += 1
                continue
            }
            var cursor = index + prefix.count, number = 0, digits = 0
            while cursor < bytes.count, bytes[cursor] >= 0x30, bytes[cursor] <= 0x39, digits < 6 {
                number = number * 10 + Int(bytes[cursor] - 0x30)
                cursor += 1
                digits += 1
            }
            guard digits > 0, cursor < bytes.count, bytes[cursor] == UInt8(ascii: "Z") else { index += 1; continue }
            chunks.append(Array(bytes[chunkStart..<index]))
            slots.append(number)
            index = cursor + 1
            chunkStart = index
        }
        chunks.append(Array(bytes[chunkStart...]))
        return (chunks, slots)
    }

    /// The same chunks and slots with another escaping.
    public func withEscaping(_ escaping: Escaping) -> PersonalizationTemplate {
        PersonalizationTemplate(chunks: chunks, slots: slots, escaping: escaping)
    }

    init(chunks: [[UInt8]], slots: [Int], escaping: Escaping) {
        self.chunks = chunks
        self.slots = slots
        self.escaping = escaping
    }

    /// The size of the literal parts, to reserve capacity.
    public var literalByteCount: Int { chunks.reduce(0) { $0 + $1.count } }

    /// Appends the text with `values[slot]` in each hole.
    public func render(_ values: [[UInt8]], into output: inout [UInt8]) {
        output.append(contentsOf: chunks[0])
        for hole in 0..<slots.count {
            let slot = slots[hole]
            if slot < values.count {
                switch escaping {
                case .none: output.append(contentsOf: values[slot])
                case .html: Self.appendEscapingHTML(values[slot], to: &output)
                }
            }
            output.append(contentsOf: chunks[hole + 1])
        }
    }

    /// Renders to a String (tests, previews).
    public func render(_ values: [String]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(literalByteCount + 256)
        render(values.map { Array($0.utf8) }, into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// The byte count `render(values)` would produce, without building it (the size check runs on every build).
    public func renderedByteCount(_ values: [String]) -> Int {
        var total = literalByteCount
        for slot in slots where slot < values.count {
            switch escaping {
            case .none: total += values[slot].utf8.count
            case .html: total += values[slot].utf8.reduce(0) { $0 + Self.escapedLength(of: $1) }
            }
        }
        return total
    }

    /// The length of one byte as `appendEscapingHTML` writes it.
    static func escapedLength(of byte: UInt8) -> Int {
        switch byte {
        case UInt8(ascii: "&"), UInt8(ascii: "'"): return 5
        case UInt8(ascii: "<"), UInt8(ascii: ">"): return 4
        case UInt8(ascii: "\""): return 6
        default: return 1
        }
    }

    static func appendEscapingHTML(_ value: [UInt8], to output: inout [UInt8]) {
        for byte in value {
            switch byte {
            case UInt8(ascii: "&"): output.append(contentsOf: [0x26, 0x61, 0x6D, 0x70, 0x3B])  // &amp;
            case UInt8(ascii: "<"): output.append(contentsOf: [0x26, 0x6C, 0x74, 0x3B])  // &lt;
            case UInt8(ascii: ">"): output.append(contentsOf: [0x26, 0x67, 0x74, 0x3B])  // &gt;
            case UInt8(ascii: "\""): output.append(contentsOf: [0x26, 0x71, 0x75, 0x6F, 0x74, 0x3B])  // &quot;
            case UInt8(ascii: "'"): output.append(contentsOf: [0x26, 0x23, 0x33, 0x39, 0x3B])  // &#39;
            default: output.append(byte)
            }
        }
    }
}

extension PersonalizationTemplate {
    private enum CodingKeys: String, CodingKey { case chunks, slots, escaping }

    /// Chunks are stored as text: they are UTF-8, split only at ASCII slot tokens.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let texts = try container.decode([String].self, forKey: .chunks)
        let slots = try container.decode([Int].self, forKey: .slots)
        guard texts.count == slots.count + 1 else {
            throw DecodingError.dataCorruptedError(forKey: .slots, in: container,
                                                   debugDescription: "a template needs one chunk more than slots")
        }
        self.init(chunks: texts.map { Array($0.utf8) }, slots: slots,
                  escaping: try container.decode(Escaping.self, forKey: .escaping))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(chunks.map { String(decoding: $0, as: UTF8.self) }, forKey: .chunks)
        try container.encode(slots, forKey: .slots)
        try container.encode(escaping, forKey: .escaping)
    }
}
