// Trimming spaces and tabs without Foundation's work in the usual case, for the checks that run on every build.
import Foundation

extension String {
    /// `trimmingCharacters(in: .whitespaces)`: the same result, but a text whose first and last bytes are
    /// printable ASCII other than a space is returned as it is without going through Foundation (which showed
    /// in the build's profile for subjects and preheaders).
    func trimmingWhitespaces() -> String {
        let isPlainEnd = { (byte: UInt8) in byte > 0x20 && byte < 0x7F }
        if let first = utf8.first, let last = utf8.last, isPlainEnd(first), isPlainEnd(last) { return self }
        return trimmingCharacters(in: .whitespaces)
    }
}
