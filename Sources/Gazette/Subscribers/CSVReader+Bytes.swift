// Byte-level helpers of CSVReader: decoding a field's bytes, the C strings strcspn stops at, I/O errors.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension CSVReader {
    /// True when `buffer` is all ASCII, checked 8 bytes at a time.
    static func isASCII(_ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = buffer.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var index = 0
        while index + 8 <= buffer.count {
            if raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            index += 8
        }
        while index < buffer.count {
            if base[index] >= 0x80 { return false }
            index += 1
        }
        return true
    }

    /// The high bit of each byte of `word` (little-endian: the first byte lowest) that is a comma, a quote or a
    /// control byte below 0x0E (NUL, LF, CR, tab…): where an unquoted field may end. Exact for every byte, so the
    /// scan takes all the stops of a word before it reads the next. Per byte, `(b & 0x7F) + 0x7F` has its high
    /// bit set when the low seven bits are not all zero, `(b & 0x7F) + 0x72` when they are at least 0x0E; OR-ing
    /// in b itself covers bytes with the high bit set; neither sum carries into the next byte.
    @inline(__always)
    static func stopBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101, low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        let quotes = word ^ (ones &* 0x22), commas = word ^ (ones &* 0x2C)
        let notControl = ((word & low7) &+ ones &* 0x72) | word
        let notQuote = ((quotes & low7) &+ low7) | quotes
        let notComma = ((commas & low7) &+ low7) | commas
        return ~(notControl & notQuote & notComma) & 0x8080_8080_8080_8080
    }

    /// True when `buffer` is UTF-8; ASCII, the common case, is checked 8 bytes at a time.
    static func isUTF8(_ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        isASCII(buffer) || TextFile.firstInvalidUTF8Offset(buffer) == nil
    }

    /// The diagnostic for a failed open or read, with the system's reason.
    static func ioError(path: String, doing action: String) -> DiagnosticError {
        let reason = String(cString: strerror(errno))
        return DiagnosticError(.error("file-unreadable", "cannot \(action) the file: \(reason)",
                                      at: SourceLocation(path: path), hint: "check the path and the file's permissions"))
    }

    /// A NUL-terminated copy of `text` that the caller deallocates.
    static func cString(_ text: String) -> UnsafeMutablePointer<CChar> {
        let bytes = Array(text.utf8CString)
        let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
        pointer.initialize(from: bytes, count: bytes.count)
        return pointer
    }
}
