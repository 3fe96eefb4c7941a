// Quoted-printable (RFC 2045 §6.7) for text parts: lines of at most 76 characters with soft breaks, CRLF
// line ends, SMTP-safe line starts (`.` → =2E, `From ` → =46rom), and no tab or run of spaces left as it is
// (so DKIM's relaxed body canonicalization leaves the encoded body unchanged). A table-driven loop over bytes.

/// Quoted-printable encoding of message bodies.
public enum QuotedPrintable {
    /// RFC 2045 §6.7 (5): encoded lines are at most 76 characters.
    public static let maximumLineLength = 76

    /// The quoted-printable form of the UTF-8 of `text`; LF and CRLF become CRLF hard line breaks.
    public static func encode(_ text: String) -> [UInt8] {
        var text = text
        return text.withUTF8 { encode(UnsafeRawBufferPointer($0)) }
    }

    /// The quoted-printable form of `bytes`.
    public static func encode(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { encode($0) }
    }

    /// The quoted-printable form of the bytes at `input`.
    public static func encode(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: worstCaseLength(input.count)) { buffer, count in
            count = encode(input.bindMemory(to: UInt8.self), to: buffer.baseAddress.unsafelyUnwrapped)
        }
    }

    /// Appends the quoted-printable form of `input` to `output` (no intermediate String; small inputs
    /// go through a stack buffer).
    public static func encode(_ input: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: worstCaseLength(input.count)) { buffer in
            let count = encode(input.bindMemory(to: UInt8.self), to: buffer.baseAddress.unsafelyUnwrapped)
            output.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[0..<count]))
        }
    }

    /// Output can be at most three bytes per input byte plus a soft break per 72 encoded characters.
    static func worstCaseLength(_ count: Int) -> Int { 3 * count + (3 * count / 72 + 2) * 3 + 16 }

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// 0: written as it is; 1: always encoded; 2: space or tab (encoded before a line end, a tab always, a space
    /// after a space).
    private static let classes: [UInt8] = (0..<256).map { value in
        if value == 0x20 || value == 0x09 { return 2 }
        if value == 0x3D || value < 0x20 || value > 0x7E { return 1 }
        return 0
    }

    /// The encoder proper; returns the number of bytes written to `output` (which holds `worstCaseLength`).
    static func encode(_ input: UnsafeBufferPointer<UInt8>, to output: UnsafeMutablePointer<UInt8>) -> Int {
        guard let bytes = input.baseAddress, input.count > 0 else { return 0 }
        return classes.withUnsafeBufferPointer { table in
            hexDigits.withUnsafeBufferPointer { hex in
                encode(bytes, count: input.count, to: output, table: table.baseAddress.unsafelyUnwrapped,
                       hex: hex.baseAddress.unsafelyUnwrapped)
            }
        }
    }

    private static func encode(
        _ bytes: UnsafePointer<UInt8>, count: Int, to output: UnsafeMutablePointer<UInt8>,
        table: UnsafePointer<UInt8>, hex: UnsafePointer<UInt8>
    ) -> Int {
        var written = 0
        var column = 0
        var index = 0
        let softLimit = maximumLineLength - 1  // room for the "=" of a soft break
        while index < count {
            // The common case: plain characters in the middle of a line, copied in a tight loop.
            if column > 0 {
                while index < count, column < softLimit, table[Int(bytes[index])] == 0 {
                    output[written] = bytes[index]
                    written += 1
                    column += 1
                    index += 1
                }
                if index >= count { break }
            }
            let byte = bytes[index]
            if byte == 0x0A || (byte == 0x0D && index + 1 < count && bytes[index + 1] == 0x0A) {
                output[written] = 0x0D
                output[written + 1] = 0x0A
                written += 2
                column = 0
                index += byte == 0x0A ? 1 : 2
                continue
            }
            let next = index + 1
            let atLineEnd = next >= count || bytes[next] == 0x0A
                || (bytes[next] == 0x0D && next + 1 < count && bytes[next + 1] == 0x0A)
            let kind = table[Int(byte)]
            // A tab, and a space after a space, are encoded too: the body is then already in DKIM's relaxed form
            // (RFC 6376 §3.4.4), so signing hashes it as it is instead of rewriting a copy.
            let afterSpace = column > 0 && output[written - 1] == 0x20
            var escape = kind == 1 || (kind == 2 && (atLineEnd || byte == 0x09 || afterSpace))
                || (column == 0 && startsLineUnsafely(bytes, index, count))
            var length = escape ? 3 : 1
            // The last character of a line may reach column 76; others leave room for the soft break.
            if column + length > (atLineEnd ? maximumLineLength : softLimit) {
                output[written] = 0x3D
                output[written + 1] = 0x0D
                output[written + 2] = 0x0A
                written += 3
                column = 0
                if !escape && startsLineUnsafely(bytes, index, count) {
                    escape = true
                    length = 3
                }
            }
            if escape {
                output[written] = 0x3D
                output[written + 1] = hex[Int(byte >> 4)]
                output[written + 2] = hex[Int(byte & 15)]
                written += 3
            } else {
                output[written] = byte
                written += 1
            }
            column += length
            index += 1
        }
        return written
    }

    /// A "." alone would end SMTP DATA; "From " at a line start gets mangled by mbox writers.
    @inline(__always)
    private static func startsLineUnsafely(_ bytes: UnsafePointer<UInt8>, _ position: Int, _ count: Int) -> Bool {
        let byte = bytes[position]
        if byte == 0x2E { return true }
        return byte == 0x46 && position + 4 < count && bytes[position + 1] == 0x72 && bytes[position + 2] == 0x6F
            && bytes[position + 3] == 0x6D && bytes[position + 4] == 0x20
    }
}
