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
    /// control byte below 0x0E (NUL, LF, CR, tab…): where an unquoted field may end. Bytes above the first such
    /// byte may be flagged wrongly (a borrow carries into them), the lowest flag never is: the scan takes only
    /// the lowest and reads on from the byte after it. Three subtractions for 8 bytes, the classic "has a zero
    /// byte" trick (`(x - 0x01…) & ~x & 0x80…`, true for the bytes of x below 1), once for bytes below 0x0E and
    /// once for each of the comma and the quote after an XOR has made them zero.
    @inline(__always)
    static func stopBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let quotes = word ^ (ones &* 0x22), commas = word ^ (ones &* 0x2C)
        let controls = (word &- ones &* 0x0E) & ~word
        return (controls | ((quotes &- ones) & ~quotes) | ((commas &- ones) & ~commas)) & 0x8080_8080_8080_8080
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
