// The bytes that follow DATA's 354: the message with CRLF line endings, dot-stuffed
// (RFC 5321 §4.5.2), ending in CRLF "." CRLF (§4.1.1.4).

enum MessageData {
    /// Encodes `message` for the DATA phase. Bare CR and bare LF become CRLF (§2.3.8 forbids them
    /// on the wire, and a bare LF before "." is how SMTP smuggling works); a line starting with
    /// "." gets another "."; the terminating ".\r\n" is appended.
    static func encode(_ message: [UInt8]) -> [UInt8] {
        let cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n"), dot = UInt8(ascii: ".")
        var output: [UInt8] = []
        output.reserveCapacity(message.count + message.count / 64 + 8)
        var atLineStart = true
        var index = 0
        let count = message.count
        while index < count {
            let byte = message[index]
            if byte == cr || byte == lf {
                output.append(cr)
                output.append(lf)
                // CRLF counts as one line break; so does a lone CR or a lone LF.
                index += (byte == cr && index + 1 < count && message[index + 1] == lf) ? 2 : 1
                atLineStart = true
                continue
            }
            if atLineStart && byte == dot { output.append(dot) }
            output.append(byte)
            atLineStart = false
            index += 1
        }
        if !atLineStart { output.append(contentsOf: [cr, lf]) }
        output.append(contentsOf: [dot, cr, lf])
        return output
    }
}
