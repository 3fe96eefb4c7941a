// Quoted-printable decoding for reading messages (RFC 2045 §6.7): soft line breaks are removed, `=XX` becomes
// its byte, and a malformed `=` is kept as it is (the RFC's advice to readers, §6.7 note 1).

extension QuotedPrintable {
    /// The bytes that the quoted-printable `encoded` stands for.
    public static func decode<Bytes: Collection<UInt8>>(_ encoded: Bytes) -> [UInt8] {
        let input = Array(encoded)
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            let byte = input[index]
            guard byte == UInt8(ascii: "=") else {
                output.append(byte)
                index += 1
                continue
            }
            // A soft line break: "=" then optional trailing spaces, then LF or CRLF.
            var probe = index + 1
            while probe < input.count, input[probe] == 0x20 || input[probe] == 0x09 { probe += 1 }
            if probe < input.count, input[probe] == 0x0A {
                index = probe + 1
                continue
            }
            if probe + 1 < input.count, input[probe] == 0x0D, input[probe + 1] == 0x0A {
                index = probe + 2
                continue
            }
            if probe >= input.count {  // "=" at the very end: a soft break before the end
                break
            }
            if index + 2 < input.count, let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2]) {
                output.append(high << 4 | low)
                index += 3
                continue
            }
            output.append(byte)
            index += 1
        }
        return output
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }
}
