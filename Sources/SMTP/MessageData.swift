// The bytes that follow DATA's 354: the message with CRLF line endings, dot-stuffed
// (RFC 5321 §4.5.2), ending in CRLF "." CRLF (§4.1.1.4).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum MessageData {
    /// Encodes `message` for the DATA phase. Bare CR and bare LF become CRLF (§2.3.8 forbids them
    /// on the wire, and a bare LF before "." is how SMTP smuggling works); a line starting with
    /// "." gets another "."; the terminating ".\r\n" is appended.
    ///
    /// A publish encodes every message, so lines are found with memchr and copied whole: a byte loop here
    /// was the largest cost of a send in the profile.
    static func encode(_ message: [UInt8]) -> [UInt8] {
        let cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n"), dot = UInt8(ascii: ".")
        if isReadyForTheWire(message) {  // what Gazette composes: copied whole
            var output = [UInt8](unsafeUninitializedCapacity: message.count + 3) { buffer, count in
                count = buffer.initialize(fromContentsOf: message)
            }
            output.append(contentsOf: [dot, cr, lf])
            return output
        }
        var output: [UInt8] = []
        output.reserveCapacity(message.count + message.count / 64 + 8)
        let count = message.count
        message.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress else { return }
            /// The first LF at or after `from`, or `count`; remembered, so a line of many bare CRs is scanned once.
            var nextLF = -1
            func lineFeed(from start: Int) -> Int {
                if nextLF < start {
                    nextLF = memchr(base + start, Int32(lf), count - start).map { offset($0, from: base) } ?? count
                }
                return nextLF
            }
            var index = 0
            while index < count {
                if bytes[index] == dot { output.append(dot) }
                let feed = lineFeed(from: index)
                // The line's text ends at its CRLF or LF, or earlier at a bare CR (a line break too).
                var end = feed > index && feed < count && bytes[feed - 1] == cr ? feed - 1 : feed
                var next = feed + 1
                if end > index, let bareCR = memchr(base + index, Int32(cr), end - index) {
                    end = offset(bareCR, from: base)
                    next = end + 1
                }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<end]))
                output.append(cr)
                output.append(lf)
                index = next
            }
        }
        output.append(contentsOf: [dot, cr, lf])
        return output
    }

    /// Whether `message` needs no change before the final dot: it ends in CRLF, every CR is followed by LF and every
    /// LF follows a CR, and no line starts with ".". Two memchr passes, one stop per line end.
    static func isReadyForTheWire(_ message: [UInt8]) -> Bool {
        let cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n"), dot = UInt8(ascii: ".")
        let count = message.count
        guard count >= 2, message[count - 2] == cr, message[count - 1] == lf, message[0] != dot else { return false }
        return message.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress else { return false }
            var index = 0
            while index < count, let found = memchr(base + index, Int32(lf), count - index) {
                let position = offset(found, from: base)
                // The LF of a CRLF, and the next line (if any) does not start with a dot.
                guard position > 0, bytes[position - 1] == cr, position + 1 == count || bytes[position + 1] != dot else { return false }
                index = position + 1
            }
            index = 0
            while index < count, let found = memchr(base + index, Int32(cr), count - index) {
                let position = offset(found, from: base)
                guard position + 1 < count, bytes[position + 1] == lf else { return false }
                index = position + 2
            }
            return true
        }
    }

    /// Where memchr's answer lies in the buffer that starts at `base`.
    private static func offset(_ found: UnsafeMutableRawPointer, from base: UnsafePointer<UInt8>) -> Int {
        UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
    }
}
