// One header field as read from a message (unfolded, not validated): the reading counterpart of `HeaderField`,
// which checks what we write. Read fields may hold anything a remote MTA wrote, so nothing here throws.

/// A header field read from a message or from a header-like block (a DSN's per-recipient fields).
public struct MIMEHeader: Sendable, Hashable {
    /// The name as written ("Final-Recipient").
    public let name: String
    /// The value unfolded (line breaks before continuation lines removed), surrounding white space trimmed.
    public let value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// The value with RFC 2047 encoded words decoded, for free text (Subject).
    public var text: String { EncodedWord.decode(value) }
}

extension Array where Element == MIMEHeader {
    /// The value of the first field called `name` (any case).
    public func value(_ name: String) -> String? {
        first { $0.name.caseInsensitiveEquals(name) }?.value
    }

    /// The values of every field called `name` (any case), in order.
    public func values(_ name: String) -> [String] {
        filter { $0.name.caseInsensitiveEquals(name) }.map(\.value)
    }
}

extension String {
    /// ASCII case-insensitive equality, for header and parameter names.
    func caseInsensitiveEquals(_ other: String) -> Bool {
        let left = utf8, right = other.utf8
        guard left.count == right.count else { return false }
        for (a, b) in zip(left, right) where a != b {
            let lowerA = a >= 0x41 && a <= 0x5A ? a | 0x20 : a
            let lowerB = b >= 0x41 && b <= 0x5A ? b | 0x20 : b
            if lowerA != lowerB { return false }
        }
        return true
    }
}
