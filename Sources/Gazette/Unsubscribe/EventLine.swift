// What the events file appends: any event that names its UTC day and encodes as one JSON line.
import Foundation

/// An event of `events/<date>.jsonl`.
public protocol EventLine: Encodable {
    /// The UTC day of the event (`2026-12-02`), which names its file.
    var day: String { get }
}

extension EventLine {
    /// The event as one JSON line with its newline; keys sorted, so the bytes are stable.
    func line() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self)) + [0x0A]
    }
}
