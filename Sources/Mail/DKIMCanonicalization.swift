// DKIM "relaxed" canonicalization (RFC 6376 §3.4.2, §3.4.4) of header fields and bodies, on bytes.
// Also the split of a rendered message into its header fields, which the signer needs.

/// The relaxed canonical forms the signer hashes.
enum DKIMCanonicalization {
    /// One header field of a message: its name and its raw bytes (continuation lines included, CRLF excluded).
    struct Field {
        var name: ArraySlice<UInt8>
        var raw: ArraySlice<UInt8>
        /// ASCII-lower-cased name, for matching `h=` entries.
        var lowercasedName: [UInt8] { name.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 } }
    }

    /// The header fields and the index where the body starts (after the empty line).
    static func split(_ message: [UInt8]) throws -> (fields: [Field], bodyStart: Int) {
        var fields: [Field] = []
        var index = 0
        let count = message.count
        while index < count {
            if message[index] == 0x0D, index + 1 < count, message[index + 1] == 0x0A {
                return (fields, index + 2)  // the empty line
            }
            // A field runs to a CRLF not followed by whitespace.
            let start = index
            var end = index
            while true {
                guard let lf = message[end...].firstIndex(of: 0x0A) else {
                    throw MailError(.malformedMessage("the header has no empty line after it"))
                }
                guard lf > start, message[lf - 1] == 0x0D else {
                    throw MailError(.malformedMessage("a bare LF in the header: lines must end in CRLF"))
                }
                end = lf + 1
                if end < count, message[end] == 0x20 || message[end] == 0x09 { continue }
                break
            }
            let raw = message[start..<(end - 2)]
            guard let colon = raw.firstIndex(of: UInt8(ascii: ":")) else {
                throw MailError(.malformedMessage("a header line without a colon"))
            }
            fields.append(Field(name: message[start..<colon], raw: raw))
            index = end
        }
        throw MailError(.malformedMessage("the header has no empty line after it"))
    }

    /// Relaxed header canonicalization: lower-case name, unfolded, whitespace runs as one space, none at
    /// the ends of the value or around the colon; followed by CRLF when `terminated`.
    static func appendHeader(_ field: ArraySlice<UInt8>, to output: inout [UInt8], terminated: Bool = true) {
        guard let colon = field.firstIndex(of: UInt8(ascii: ":")) else { return }
        var nameEnd = colon
        while nameEnd > field.startIndex, field[nameEnd - 1] == 0x20 || field[nameEnd - 1] == 0x09 { nameEnd -= 1 }
        for byte in field[field.startIndex..<nameEnd] { output.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) }
        output.append(UInt8(ascii: ":"))
        var pendingSpace = false
        var started = false
        for byte in field[(colon + 1)...] {
            switch byte {
            case 0x0D, 0x0A: continue  // unfold
            case 0x20, 0x09: pendingSpace = started
            default:
                if pendingSpace { output.append(0x20) }
                pendingSpace = false
                started = true
                output.append(byte)
            }
        }
        if terminated {
            output.append(0x0D)
            output.append(0x0A)
        }
    }

    /// The SHA-256 of the relaxed canonical body. Bodies we write need no change but dropping trailing empty
    /// lines (quoted-printable leaves no tab, run of spaces or trailing space), so those are hashed in place;
    /// with `isRelaxed` (the caller knows it is so) without even looking.
    static func bodyHash(_ body: ArraySlice<UInt8>, isRelaxed: Bool = false) throws -> [UInt8] {
        try body.withUnsafeBytes { bytes in
            let input = bytes.bindMemory(to: UInt8.self)
            var end = input.count
            // Trailing empty lines (CRLF CRLF … at the end) are ignored: keep one CRLF.
            while end >= 4, input[end - 1] == 0x0A, input[end - 2] == 0x0D, input[end - 3] == 0x0A, input[end - 4] == 0x0D {
                end -= 2
            }
            assert(!isRelaxed || end < 2 || !needsRewriting(input, end: end), "a body said to be relaxed is not")
            if end >= 2, input[end - 1] == 0x0A, input[end - 2] == 0x0D, isRelaxed || !needsRewriting(input, end: end) {
                if end == 2 { return try Digest.sha256(UnsafeRawBufferPointer(start: nil, count: 0)) }
                return try Digest.sha256(UnsafeRawBufferPointer(rebasing: bytes[0..<end]))
            }
            return try Digest.sha256(Self.body(input))
        }
    }

    /// True when relaxed canonicalization would change something before `end`: a tab, two spaces in a
    /// row, whitespace before CRLF, or a bare CR or LF. Eight bytes at a time: spaces are found for the whole
    /// word, and only its control bytes (in a composed body, the line ends) are looked at one by one.
    static func needsRewriting(_ input: UnsafeBufferPointer<UInt8>, end: Int) -> Bool {
        guard let base = input.baseAddress, end > 0 else { return false }
        let raw = UnsafeRawPointer(base)
        let low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        let high: UInt64 = 0x8080_8080_8080_8080
        var previous: UInt8 = 0x0A
        var index = 0
        while index + 8 <= end {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            // High bit of each space; two in a row, or one after a space that ended the last word.
            let other = word ^ 0x2020_2020_2020_2020
            let spaces = ~(((other & low) &+ low) | other) & high
            if spaces & (spaces >> 8) != 0 || (previous == 0x20 && word & 0xFF == 0x20) { return true }
            // High bit of each byte below 0x20 (exact: no carry crosses a byte).
            var controls = ~(((word & low) &+ 0x6060_6060_6060_6060) | word) & high
            while controls != 0 {
                let position = index + controls.trailingZeroBitCount / 8
                if controlRewrites(input, at: position, end: end) { return true }
                controls &= controls - 1
            }
            previous = UInt8(truncatingIfNeeded: word >> 56)
            index += 8
        }
        while index < end {
            if rewrites(input, at: index, end: end, previous: previous) { return true }
            previous = input[index]
            index += 1
        }
        return false
    }

    /// Whether the control byte (below 0x20) at `index` is one that relaxed canonicalization would change:
    /// anything but a CR of a CRLF not after a space, or the LF of a CRLF.
    @inline(__always)
    private static func controlRewrites(_ input: UnsafeBufferPointer<UInt8>, at index: Int, end: Int) -> Bool {
        let previous = index > 0 ? input[index - 1] : 0x0A
        return rewrites(input, at: index, end: end, previous: previous)
    }

    /// Whether the byte at `index`, after `previous`, is one that relaxed canonicalization would change.
    @inline(__always)
    private static func rewrites(_ input: UnsafeBufferPointer<UInt8>, at index: Int, end: Int, previous: UInt8) -> Bool {
        let byte = input[index]
        guard byte < 0x21 else { return false }
        switch byte {
        case 0x20: return previous == 0x20
        case 0x0D: return previous == 0x20 || index + 1 >= end || input[index + 1] != 0x0A
        case 0x0A: return previous != 0x0D
        default: return true  // tabs and other controls: take the careful path
        }
    }

    /// Relaxed body canonicalization: no whitespace at line ends, runs as one space, no empty lines at the
    /// end; a non-empty body ends with CRLF.
    static func body(_ body: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: body.count + 2) { output, written in
            var count = 0
            var pendingSpace = false
            var lastContentEnd = 0  // output length after the last non-empty line's CRLF
            var lineHasContent = false
            var index = 0
            let end = body.count
            while index < end {
                let byte = body[index]
                if byte == 0x0D, index + 1 < end, body[index + 1] == 0x0A {
                    pendingSpace = false
                    output[count] = 0x0D
                    output[count + 1] = 0x0A
                    count += 2
                    if lineHasContent { lastContentEnd = count }
                    lineHasContent = false
                    index += 2
                    continue
                }
                if byte == 0x20 || byte == 0x09 {
                    pendingSpace = true
                } else {
                    if pendingSpace {
                        output[count] = 0x20
                        count += 1
                    }
                    pendingSpace = false
                    output[count] = byte
                    count += 1
                    lineHasContent = true
                }
                index += 1
            }
            if lineHasContent {
                // A last line without CRLF gets one (RFC 6376 §3.4.4).
                output[count] = 0x0D
                output[count + 1] = 0x0A
                count += 2
                lastContentEnd = count
            }
            written = lastContentEnd
        }
    }
}
