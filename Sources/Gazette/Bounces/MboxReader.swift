// Splits an mbox file (RFC 4155) into messages without loading it whole: a message starts at a `From ` line at
// the start of the file or after an empty line, or at any line shaped like a separator (`From sender date`) —
// some tools append messages without the empty line. `>From ` quoting is left alone (it changes no bounce's meaning).
import Foundation

/// Reads the messages of an mbox.
enum MboxReader {
    static let chunkSize = 1 << 20

    /// Calls `body` with each message of the mbox open in `handle`; oversized messages are skipped and reported.
    static func forEachMessage(in handle: FileHandle, named name: String, _ body: (BounceInput) throws -> Void) throws -> [Diagnostic] {
        var skipped: [Diagnostic] = []
        var current: [UInt8] = []
        var currentSize = 0          // bytes of the current message, counted even when not kept
        var number = 0
        var started = false
        var pending: [UInt8] = []    // an incomplete last line carried to the next chunk
        var previousLineEmpty = true

        func finish() throws {
            guard started else { return }
            if currentSize > BounceSource.maximumMessageSize {
                skipped.append(BounceSource.tooLarge("\(name)#\(number)", currentSize))
            } else {
                try body(BounceInput(origin: "\(name)#\(number)", bytes: current))
            }
            current.removeAll(keepingCapacity: true)
            currentSize = 0
        }

        func take(line: ArraySlice<UInt8>) throws {
            if line.starts(with: "From ".utf8), previousLineEmpty || isSeparator(line) {
                try finish()
                number += 1
                started = true
                previousLineEmpty = false
                return  // the separator line is not part of the message
            }
            let isEmpty = line.count == 1 || (line.count == 2 && line.first == 0x0D)
            previousLineEmpty = isEmpty
            currentSize += line.count
            if currentSize <= BounceSource.maximumMessageSize { current.append(contentsOf: line) }
        }

        while true {
            let data = try handle.read(upToCount: chunkSize) ?? Data()
            if data.isEmpty { break }
            var bytes = pending
            bytes.append(contentsOf: data)
            var start = 0
            while let newline = bytes[start...].firstIndex(of: 0x0A) {
                try take(line: bytes[start...newline])
                start = newline + 1
            }
            pending = Array(bytes[start...])
        }
        if !pending.isEmpty { try take(line: pending[...]) }
        try finish()
        return skipped
    }

    /// `From sender@example.com  Thu Jul  2 12:05:05 2020`: a sender, then an asctime date — a weekday, a time
    /// (hh:mm:ss) and a four-digit year at the end — the shape RFC 4155 gives the separator. A body line that
    /// begins with "From " almost never has it.
    static func isSeparator(_ line: ArraySlice<UInt8>) -> Bool {
        var text = Array(line.dropFirst(5))
        while let last = text.last, last == 0x0A || last == 0x0D || last == 0x20 { text.removeLast() }
        guard text.count >= 20, text.count <= 200, let space = text.firstIndex(of: 0x20), space > 0 else { return false }
        let isDigit = { (byte: UInt8) in byte >= 0x30 && byte <= 0x39 }
        let year = text.suffix(5)
        guard year.first == 0x20, year.dropFirst().allSatisfy(isDigit) else { return false }
        let date = Array(text[space...].drop { $0 == 0x20 })
        guard date.count >= 24, date[3] == 0x20,
              ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].contains(String(decoding: date[0..<3], as: UTF8.self))
        else { return false }
        return (0...(date.count - 8)).contains { start in
            date[start..<(start + 8)].enumerated().allSatisfy { offset, byte in offset == 2 || offset == 5 ? byte == 0x3A : isDigit(byte) }
        }
    }
}
