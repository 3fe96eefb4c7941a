// Incremental parser of SMTP replies: feed bytes in any chunking, take complete replies out.
// RFC 5321 §4.2 syntax; line length capped (§4.5.3.1.5 says 512 octets, real servers send more).

/// Turns a byte stream from the server into `Reply` values.
struct ReplyParser {
    /// Longest line accepted, CRLF included: eight times §4.5.3.1.5's 512 octets.
    static let maximumLineLength = 4096
    /// Most lines in one reply (a long EHLO list has about 20).
    static let maximumLines = 256

    private var buffer: [UInt8] = []
    private var start = 0
    /// Where to resume looking for LF in `buffer`.
    private var scanned = 0
    private var code: Int?
    private var lines: [String] = []

    /// Adds bytes received from the server.
    mutating func feed<Bytes: Sequence<UInt8>>(_ bytes: Bytes) {
        if start > 4096 && start > buffer.count / 2 {
            buffer.removeSubrange(0..<start)
            scanned -= start
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// True when bytes were fed that are not yet part of a returned reply.
    var hasBufferedData: Bool { buffer.count > start || !lines.isEmpty }

    /// Forgets everything buffered (RFC 3207 §4.2: nothing from before the TLS handshake is kept).
    mutating func discardBuffered() {
        buffer.removeAll(keepingCapacity: true)
        start = 0
        scanned = 0
        code = nil
        lines = []
    }

    /// The next complete reply, or nil when more bytes are needed. Throws on malformed input;
    /// after a throw the stream is out of step and the connection must be closed.
    mutating func next() throws(ReplyParserError) -> Reply? {
        while true {
            guard let lineEnd = findLineFeed() else {
                if buffer.count - start > Self.maximumLineLength {
                    throw ReplyParserError("a reply line is longer than \(Self.maximumLineLength) octets")
                }
                return nil
            }
            var line = buffer[start..<lineEnd]
            start = lineEnd + 1
            scanned = start
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if let reply = try take(line) { return reply }
        }
    }

    private mutating func findLineFeed() -> Int? {
        var index = max(scanned, start)
        let end = buffer.count
        while index < end {
            if buffer[index] == UInt8(ascii: "\n") { return index }
            index += 1
        }
        scanned = index
        return nil
    }

    /// Handles one line without its line ending; returns the reply when this was its last line.
    private mutating func take(_ line: ArraySlice<UInt8>) throws(ReplyParserError) -> Reply? {
        if line.count + 2 > Self.maximumLineLength {
            throw ReplyParserError("a reply line is longer than \(Self.maximumLineLength) octets")
        }
        guard line.count >= 3 else { throw ReplyParserError("a reply line is too short: \(Self.show(line))") }
        let digits = line.prefix(3).map { Int($0) - 48 }
        // RFC 5321 §4.2: the first digit is 2–5, the second 0–5, the third 0–9.
        guard (2...5).contains(digits[0]), (0...5).contains(digits[1]), (0...9).contains(digits[2]) else {
            throw ReplyParserError("a reply line does not start with a reply code: \(Self.show(line))")
        }
        let lineCode = digits[0] * 100 + digits[1] * 10 + digits[2]
        if let code, code != lineCode {
            throw ReplyParserError("the lines of one reply have different codes (\(code) and \(lineCode))")
        }
        var isLast = true
        var textStart = line.startIndex + 3
        if textStart < line.endIndex {
            switch line[textStart] {
            case UInt8(ascii: "-"): isLast = false
            case UInt8(ascii: " "): break
            default:
                throw ReplyParserError("a reply code is followed by neither space nor hyphen: \(Self.show(line))")
            }
            textStart += 1
        }
        if lines.count >= Self.maximumLines {
            throw ReplyParserError("a reply has more than \(Self.maximumLines) lines")
        }
        code = lineCode
        lines.append(String(decoding: line[textStart...], as: UTF8.self))
        guard isLast else { return nil }
        let reply = Reply(code: lineCode, lines: lines)
        code = nil
        lines = []
        return reply
    }

    /// A line for an error message: printable ASCII kept, the rest escaped, cut at 80 characters.
    static func show(_ line: ArraySlice<UInt8>) -> String {
        var text = "\""
        for byte in line.prefix(80) {
            if byte >= 32 && byte < 127 && byte != UInt8(ascii: "\"") {
                text.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                text += "\\x" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return text + (line.count > 80 ? "…\"" : "\"")
    }
}

/// The server sent bytes that are not an SMTP reply.
struct ReplyParserError: Error, Equatable {
    let message: String
    init(_ message: String) { self.message = message }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
