// A text part with holes, quoted-printable encoded ahead of time: lines without a hole are encoded once,
// only lines with a hole are encoded per recipient. Hard line breaks reset the encoder, so this is exact.

/// Literal chunks with holes between them (chunk 0, hole 0, chunk 1, … chunk n), pre-encoded where possible.
public struct QuotedPrintableTemplate: Sendable {
    enum Segment: Sendable {
        /// Whole lines already encoded, CRLF included.
        case encoded([UInt8])
        /// One line with holes: literal pieces and hole numbers, encoded at fill time.
        case line([Piece])
    }
    enum Piece: Sendable {
        case literal([UInt8])
        case hole(Int)
    }

    let segments: [Segment]
    /// The number of holes; `encode` asks for each one once, in order.
    public let holeCount: Int
    /// Bytes of pre-encoded output, to reserve capacity.
    public let encodedLiteralCount: Int

    /// Splits `chunks` (UTF-8 text between holes) into lines and encodes the lines without holes.
    public init(chunks: [[UInt8]]) {
        var segments: [Segment] = []
        var pending: [UInt8] = []  // raw lines without holes, not yet encoded
        var line: [Piece] = []  // the current line's pieces since the last line break
        var lineHasHole = false
        func flushPending() {
            guard !pending.isEmpty else { return }
            segments.append(.encoded(QuotedPrintable.encode(pending)))
            pending.removeAll()
        }
        func endLine() {
            if lineHasHole {
                flushPending()
                segments.append(.line(line))
            } else {
                for case .literal(let bytes) in line { pending.append(contentsOf: bytes) }
            }
            line.removeAll()
            lineHasHole = false
        }
        for (number, chunk) in chunks.enumerated() {
            var start = 0
            while let newline = chunk[start...].firstIndex(of: 0x0A) {
                line.append(.literal(Array(chunk[start...newline])))
                endLine()
                start = newline + 1
            }
            if start < chunk.count { line.append(.literal(Array(chunk[start...]))) }
            if number < chunks.count - 1 {
                line.append(.hole(number))
                lineHasHole = true
            }
        }
        endLine()
        flushPending()
        self.segments = segments
        self.holeCount = max(chunks.count - 1, 0)
        self.encodedLiteralCount = segments.reduce(0) { total, segment in
            if case .encoded(let bytes) = segment { return total + bytes.count }
            return total
        }
    }

    /// Appends the encoded text to `output`; `fill(hole, &line)` appends the raw UTF-8 of each hole.
    public func encode(into output: inout [UInt8], fill: (Int, inout [UInt8]) -> Void) {
        var raw: [UInt8] = []
        raw.reserveCapacity(256)
        for segment in segments {
            switch segment {
            case .encoded(let bytes):
                output.append(contentsOf: bytes)
            case .line(let pieces):
                raw.removeAll(keepingCapacity: true)
                for piece in pieces {
                    switch piece {
                    case .literal(let bytes): raw.append(contentsOf: bytes)
                    case .hole(let number): fill(number, &raw)
                    }
                }
                raw.withUnsafeBytes { QuotedPrintable.encode($0, appendingTo: &output) }
            }
        }
    }

    /// The encoded text with `values[hole]` in each hole (missing values are empty).
    public func encode(values: [[UInt8]]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(encodedLiteralCount + 512)
        encode(into: &output) { hole, line in
            if hole < values.count { line.append(contentsOf: values[hole]) }
        }
        return output
    }
}
