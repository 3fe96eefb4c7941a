// Quoted-printable (RFC 2045 §6.7) for text parts: lines of at most 76 characters with soft breaks, CRLF
// line ends, and SMTP-safe line starts (`.` → =2E, `From ` → =46rom). A table-driven loop over bytes.

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

    /// Appends the quoted-printable form of `input` to `output` (no intermediate String).
    public static func encode(_ input: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) {
        output.append(contentsOf: encode(input))
    }

    /// Output can be at most three bytes per input byte plus a soft break per 72 encoded characters.
    static func worstCaseLength(_ count: Int) -> Int { 3 * count + (3 * count / 72 + 2) * 3 + 16 }

    private static let hex: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                             UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
        (0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46)

    /// 0: written as it is; 1: always encoded; 2: space or tab (encoded only before a line end).
    private static let classes: [UInt8] = (0..<256).map { value in
        if value == 0x20 || value == 0x09 { return 2 }
        if value == 0x3D || value < 0x20 || value > 0x7E { return 1 }
        return 0
    }

    /// The encoder proper; returns the number of bytes written to `output` (which holds `worstCaseLength`).
    static func encode(_ input: UnsafeBufferPointer<UInt8>, to output: UnsafeMutablePointer<UInt8>) -> Int {
        let count = input.count
        guard count > 0, let bytes = input.baseAddress else { return 0 }
        var written = 0
        var column = 0
        var index = 0
        withUnsafeBytes(of: hex) { hexDigits in
            classes.withUnsafeBufferPointer { table in
                @inline(__always) func put(_ byte: UInt8) {
                    output[written] = byte
                    written += 1
                }
                @inline(__always) func putEscaped(_ byte: UInt8) {
                    output[written] = 0x3D
                    output[written + 1] = hexDigits[Int(byte >> 4)]
                    output[written + 2] = hexDigits[Int(byte & 15)]
                    written += 3
                }
                @inline(__always) func lineBreakLength(at position: Int) -> Int {
                    if position >= count { return 0 }
                    if bytes[position] == 0x0A { return 1 }
                    if bytes[position] == 0x0D, position + 1 < count, bytes[position + 1] == 0x0A { return 2 }
                    return -1
                }
                @inline(__always) func startsLineUnsafely(_ position: Int) -> Bool {
                    let byte = bytes[position]
                    if byte == 0x2E { return true }  // "." alone would end SMTP DATA
                    // "From " at a line start gets mangled by mbox writers.
                    return byte == 0x46 && position + 4 < count && bytes[position + 1] == 0x72
                        && bytes[position + 2] == 0x6F && bytes[position + 3] == 0x6D && bytes[position + 4] == 0x20
                }

                while index < count {
                    let byte = bytes[index]
                    let kind = table[Int(byte)]
                    if kind == 0 && column > 0 && column < maximumLineLength - 1 {
                        // The common case: a plain character in the middle of a line.
                        put(byte)
                        column += 1
                        index += 1
                        continue
                    }
                    if byte == 0x0A || (byte == 0x0D && index + 1 < count && bytes[index + 1] == 0x0A) {
                        put(0x0D)
                        put(0x0A)
                        column = 0
                        index += byte == 0x0A ? 1 : 2
                        continue
                    }
                    let atLineEnd = lineBreakLength(at: index + 1) >= 0
                    var escape = kind == 1 || (kind == 2 && atLineEnd) || (column == 0 && startsLineUnsafely(index))
                    var length = escape ? 3 : 1
                    // The last character of a line may reach column 76; others leave room for the soft break.
                    if column + length > (atLineEnd ? maximumLineLength : maximumLineLength - 1) {
                        put(0x3D)
                        put(0x0D)
                        put(0x0A)
                        column = 0
                        if !escape && startsLineUnsafely(index) {
                            escape = true
                            length = 3
                        }
                    }
                    if escape { putEscaped(byte) } else { put(byte) }
                    column += length
                    index += 1
                }
            }
        }
        return written
    }
}
