// Reads a publish log line. Recipient lines (millions in a large run) are scanned for the three fields a
// resume needs — event, address, time — without a general JSON decoder; the header goes through JSONDecoder.
import Foundation

enum LogLineReader {
    /// Calls `body` with each complete line of `url` (without its newline) and its 1-based number, reading in
    /// 1 MiB chunks (a million recipients make a log of hundreds of MB). Returns how many bytes followed the
    /// last newline: a line torn by a crash mid-write, which is not passed on. A missing file has no lines.
    @discardableResult
    static func forEachLine(in url: URL, _ body: (ArraySlice<UInt8>, Int) throws -> Void) throws -> Int {
        guard let handle = FileHandle(forReadingAtPath: url.path) else { return 0 }
        defer { try? handle.close() }
        var pending: [UInt8] = []
        var lineNumber = 0
        while true {
            guard let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty else { break }
            pending.append(contentsOf: chunk)
            var start = 0
            while let newline = pending[start...].firstIndex(of: 0x0A) {
                lineNumber += 1
                try body(pending[start..<newline], lineNumber)
                start = newline + 1
            }
            pending.removeFirst(start)
        }
        return pending.count
    }

    static func record(_ line: ArraySlice<UInt8>) -> LogRecord? {
        guard line.first == UInt8(ascii: "{"), line.last == UInt8(ascii: "}") else { return nil }
        guard let eventText = stringValue(of: "event", in: line), let event = LogRecord.Event(rawValue: eventText) else {
            return nil
        }
        // The header, and a run's start and end (one each per run: its A/B phase and winner, and the summary
        // `gazette ci ready` reads what was left from).
        if event == .header || event == .runStart || event == .runEnd {
            return try? JSONDecoder().decode(LogRecord.self, from: Data(line))
        }
        var record = LogRecord(event: event)
        record.time = stringValue(of: "time", in: line) ?? record.time
        record.address = stringValue(of: "address", in: line)
        return record
    }

    /// The string value of `"key":"…"` (JSON escapes decoded), or nil.
    static func stringValue(of key: String, in line: ArraySlice<UInt8>) -> String? {
        stringValue(matching: keyPattern(key), in: line)
    }

    /// `"key":"` as bytes, to look up many lines with `stringValue(matching:in:)` without building it each time.
    static func keyPattern(_ key: String) -> [UInt8] { Array("\"\(key)\":\"".utf8) }

    /// The string value after `pattern` (from `keyPattern(_:)`), JSON escapes decoded, or nil.
    static func stringValue(matching pattern: [UInt8], in line: ArraySlice<UInt8>) -> String? {
        guard let start = find(pattern, in: line) else { return nil }
        var index = start + pattern.count
        var bytes: [UInt8] = []
        while index < line.endIndex {
            let byte = line[index]
            if byte == UInt8(ascii: "\"") { return String(decoding: bytes, as: UTF8.self) }
            if byte == UInt8(ascii: "\\") {
                index += 1
                guard index < line.endIndex else { return nil }
                switch line[index] {
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"):
                    guard index + 4 < line.endIndex,
                          let scalar = UInt32(String(decoding: line[(index + 1)...(index + 4)], as: UTF8.self), radix: 16),
                          let character = Unicode.Scalar(scalar) else { return nil }
                    bytes.append(contentsOf: Array(String(Character(character)).utf8))
                    index += 4
                default: bytes.append(line[index])  // \" \\ \/
                }
            } else {
                bytes.append(byte)
            }
            index += 1
        }
        return nil
    }

    /// The first index of `pattern` in `line` at the top level of the object (keys are never inside strings
    /// in our lines except as values, which are escaped, so a quote-key-quote-colon match is a key).
    static func find(_ pattern: [UInt8], in line: ArraySlice<UInt8>) -> Int? {
        guard pattern.count <= line.count else { return nil }
        var index = line.startIndex
        let last = line.endIndex - pattern.count
        while index <= last {
            if line[index] == pattern[0] && line[index..<(index + pattern.count)].elementsEqual(pattern) { return index }
            index += 1
        }
        return nil
    }
}
