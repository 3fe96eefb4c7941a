// The bytes that follow DATA's 354: the message with CRLF line endings, dot-stuffed
// (RFC 5321 §4.5.2), ending in CRLF "." CRLF (§4.1.1.4).

enum MessageData {
    /// Encodes `message` for the DATA phase. Bare CR and bare LF become CRLF (§2.3.8 forbids them
    /// on the wire, and a bare LF before "." is how SMTP smuggling works); a line starting with
    /// "." gets another "."; the terminating ".\r\n" is appended.
    ///
    /// Runs of ordinary bytes are copied whole: a publish encodes every message, and a byte-at-a-time
    /// loop here was the largest cost of a send in the profile.
    static func encode(_ message: [UInt8]) -> [UInt8] {
        let cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n"), dot = UInt8(ascii: ".")
        var output: [UInt8] = []
        output.reserveCapacity(message.count + message.count / 64 + 8)
        let count = message.count
        message.withUnsafeBufferPointer { bytes in
            var index = 0
            var atLineStart = true
            while index < count {
                if atLineStart && bytes[index] == dot { output.append(dot) }
                // The rest of the line: everything up to the next CR or LF, copied in one go.
                var end = index
                while end < count && bytes[end] != cr && bytes[end] != lf { end += 1 }
                if end > index { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<end])) }
                guard end < count else {
                    atLineStart = false
                    index = end
                    break
                }
                output.append(cr)
                output.append(lf)
                // CRLF counts as one line break; so does a lone CR or a lone LF.
                index = end + ((bytes[end] == cr && end + 1 < count && bytes[end + 1] == lf) ? 2 : 1)
                atLineStart = true
            }
            if !atLineStart { output.append(contentsOf: [cr, lf]) }
        }
        output.append(contentsOf: [dot, cr, lf])
        return output
    }
}
