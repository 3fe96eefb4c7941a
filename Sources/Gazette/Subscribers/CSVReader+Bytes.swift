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
