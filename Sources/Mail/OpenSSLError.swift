// An OpenSSL failure as a value: the whole error queue, drained, and what we were doing at the time.
// Every call into libcrypto that can fail ends in `OpenSSLError.drain(_:)` so no stale entry leaks into the next.
internal import COpenSSL

/// A failed OpenSSL operation with the entries of OpenSSL's error queue.
public struct OpenSSLError: Error, Sendable, CustomStringConvertible {
    /// One entry of OpenSSL's thread-local error queue.
    public struct Entry: Sendable, Equatable {
        /// The packed error code (`ERR_get_error`).
        public let code: UInt
        /// OpenSSL's text for it ("error:1E08010C:DECODER routines::unsupported").
        public let message: String
        /// Extra data OpenSSL attached, if any.
        public let data: String?
    }

    /// What we were doing ("load DKIM key from GAZETTE_DKIM_KEY").
    public let operation: String
    /// The queue's entries, oldest first.
    public let entries: [Entry]

    /// Empties OpenSSL's error queue of this thread into an error describing `operation`.
    public static func drain(_ operation: String) -> OpenSSLError {
        var entries: [Entry] = []
        while true {
            var data: UnsafePointer<CChar>?
            var flags: Int32 = 0
            let code = ERR_get_error_all(nil, nil, nil, &data, &flags)
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            let message = buffer.withUnsafeBufferPointer { pointer in
                String(decoding: pointer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
            var extra: String?
            if let data, flags & ERR_TXT_STRING != 0 {
                let text = String(cString: data)
                extra = text.isEmpty ? nil : text
            }
            entries.append(Entry(code: UInt(code), message: message, data: extra))
        }
        return OpenSSLError(operation: operation, entries: entries)
    }

    /// Discards whatever an earlier call left in the queue, so a later drain reports only its own failure.
    static func clearQueue() { ERR_clear_error() }

    public var description: String {
        guard !entries.isEmpty else { return "\(operation) failed (OpenSSL gave no reason)" }
        let details = entries.map { entry in entry.data.map { "\(entry.message) (\($0))" } ?? entry.message }
        return "\(operation) failed: " + details.joined(separator: "; ")
    }
}
