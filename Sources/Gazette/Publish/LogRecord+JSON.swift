// Writes a log record as one JSON line by hand: JSONEncoder costs more per line than a message takes to
// send. Reading goes through JSONDecoder, which is fine once per run.
import Foundation

extension LogRecord {
    /// The record as one line of JSON, ending with a newline.
    func jsonLine() -> [UInt8] {
        var line: [UInt8] = []
        line.reserveCapacity(256)
        line.append(UInt8(ascii: "{"))
        var first = true
        func key(_ name: String) {
            if !first { line.append(UInt8(ascii: ",")) }
            first = false
            Self.appendString(name, to: &line)
            line.append(UInt8(ascii: ":"))
        }
        func field(_ name: String, _ value: String?) {
            guard let value else { return }
            key(name)
            Self.appendString(value, to: &line)
        }
        func field<N: BinaryInteger>(_ name: String, _ value: N?) {
            guard let value else { return }
            key(name)
            line.append(contentsOf: String(value).utf8)
        }
        field("event", event.rawValue)
        field("time", time)
        field("version", version)
        field("issue", issue)
        field("issue_path", issuePath)
        field("content_hash", contentHash)
        if let lists {
            key("lists")
            line.append(UInt8(ascii: "["))
            for (index, list) in lists.enumerated() {
                if index > 0 { line.append(UInt8(ascii: ",")) }
                line.append(contentsOf: "{\"path\":".utf8)
                Self.appendString(list.path, to: &line)
                line.append(contentsOf: ",\"sha256\":".utf8)
                Self.appendString(list.sha256, to: &line)
                line.append(contentsOf: ",\"snapshot\":".utf8)
                Self.appendString(list.snapshot, to: &line)
                line.append(UInt8(ascii: "}"))
            }
            line.append(UInt8(ascii: "]"))
        }
        field("shard", shard)
        if let subjects {
            key("subjects")
            line.append(UInt8(ascii: "["))
            for (index, subject) in subjects.enumerated() {
                if index > 0 { line.append(UInt8(ascii: ",")) }
                Self.appendString(subject, to: &line)
            }
            line.append(UInt8(ascii: "]"))
        }
        field("test_share", testShare)
        field("address", address)
        field("message_id", messageID)
        field("attempt", attempt)
        field("code", code)
        field("enhanced_code", enhancedCode)
        field("reply", reply)
        field("server", server)
        field("source", source)
        field("arm", arm)
        field("phase", phase?.rawValue)
        field("pid", pid)
        field("via", via)
        if let summary {
            key("summary")
            line.append(UInt8(ascii: "{"))
            for (index, item) in summary.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { line.append(UInt8(ascii: ",")) }
                Self.appendString(item.key, to: &line)
                line.append(UInt8(ascii: ":"))
                line.append(contentsOf: String(item.value).utf8)
            }
            line.append(UInt8(ascii: "}"))
        }
        field("winner", winner)
        field("winner_reason", winnerReason)
        line.append(contentsOf: "}\n".utf8)
        return line
    }

    /// A JSON string: quotes, backslashes and control characters escaped (RFC 8259 §7); UTF-8 kept.
    static func appendString(_ text: String, to line: inout [UInt8]) {
        line.append(UInt8(ascii: "\""))
        // Most values (addresses, message IDs, times) need no escape: copied whole.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            line.append(contentsOf: text.utf8)
            line.append(UInt8(ascii: "\""))
            return
        }
        let hex = jsonHexDigits
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): line.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): line.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: line.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: line.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: line.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x00..<0x20:
                line.append(contentsOf: Array("\\u00".utf8))
                line.append(hex[Int(byte >> 4)])
                line.append(hex[Int(byte & 0x0F)])
            default: line.append(byte)
            }
        }
        line.append(UInt8(ascii: "\""))
    }
}

private let jsonHexDigits = Array("0123456789abcdef".utf8)
