// Finds email addresses in prose and in report fields (`rfc822; <ada@example.org>`). Only for reading bounces:
// what it returns is compared and suppressed, never sent to; Mail.Mailbox validates addresses we write.
import Foundation

/// Addresses in text.
enum AddressScanner {
    /// The addresses in `text`, in order, each once (compared without case).
    static func addresses(in text: Substring, limit: Int = 50) -> [(address: String, offset: Int)] {
        let bytes = Array(text.utf8)
        var found: [(String, Int)] = []
        var seen: Set<String> = []
        var index = 0
        while index < bytes.count, found.count < limit {
            guard bytes[index] == UInt8(ascii: "@") else { index += 1; continue }
            var start = index
            while start > 0, isLocalByte(bytes[start - 1]) { start -= 1 }
            while start < index, bytes[start] == UInt8(ascii: ".") { start += 1 }
            var end = index + 1
            while end < bytes.count, isDomainByte(bytes[end]) { end += 1 }
            while end > index + 1, bytes[end - 1] == UInt8(ascii: ".") || bytes[end - 1] == UInt8(ascii: "-") { end -= 1 }
            let domain = bytes[(index + 1)..<end]
            if start < index, domain.contains(UInt8(ascii: ".")), domain.first != UInt8(ascii: ".") {
                let address = String(decoding: bytes[start..<end], as: UTF8.self)
                let key = address.lowercased()
                if seen.insert(key).inserted { found.append((address, start)) }
            }
            index = max(end, index + 1)
        }
        return found
    }

    static func addresses(in text: String) -> [String] { addresses(in: text[...]).map(\.address) }

    /// The address in a DSN or ARF address field: `rfc822; ada@example.org`, `<ada@example.org>`, or bare.
    static func fieldAddress(_ value: String) -> String? {
        var text = Substring(value)
        if let semicolon = text.firstIndex(of: ";") {
            let type = text[..<semicolon].trimmingCharacters(in: .whitespaces).lowercased()
            if type == "rfc822" || type == "utf-8" || type.isEmpty || !type.contains("@") {
                text = text[text.index(after: semicolon)...]
            }
        }
        let found = addresses(in: text, limit: 1)
        return found.first.map { EncodedWordAddress.decodeXtext($0.address) }
    }

    private static func isLocalByte(_ byte: UInt8) -> Bool {
        byte >= 0x80 || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
            || "!#$%&'*+-/=?^_`{|}~.".utf8.contains(byte)
    }

    private static func isDomainByte(_ byte: UInt8) -> Bool {
        byte >= 0x80 || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
    }
}

/// RFC 3461 §4 xtext (`+2B` for `+`), as utf-8-addr-xtext fields and some MTAs write addresses.
enum EncodedWordAddress {
    static func decodeXtext(_ address: String) -> String {
        guard address.contains("+") else { return address }
        var bytes: [UInt8] = []
        let input = Array(address.utf8)
        var index = 0
        while index < input.count {
            if input[index] == UInt8(ascii: "+"), index + 2 < input.count,
               let high = hex(input[index + 1]), let low = hex(input[index + 2]) {
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(input[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        default: return nil  // xtext uses upper-case hex only, which keeps "+abc" tags intact
        }
    }
}
