// Splits an mbox file (RFC 4155) into messages without loading it whole: a message starts at a `From ` line at
// the start of the file or after an empty line. `>From ` quoting is left alone (it changes no bounce's meaning).
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
            if previousLineEmpty, line.starts(with: "From ".utf8) {
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
}
