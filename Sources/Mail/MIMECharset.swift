// Text from bytes in a declared charset, for reading messages. UTF-8 and US-ASCII are read as UTF-8, the
// ISO 8859-1 / Windows-1252 family byte for byte, every other charset (ISO-2022-JP, Shift_JIS, EUC-JP, GB2312,
// KOI8-R, …) through the C library's iconv; an unknown charset or one iconv cannot read is read as UTF-8 when it
// is valid and as Latin-1 otherwise, which keeps its ASCII (status codes, addresses) intact.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns the bytes of a part or an encoded word into text.
public enum MIMECharset {
    /// The text of `bytes` in `charset` (a MIME charset name, any case); never fails.
    public static func decode<Bytes: Collection<UInt8>>(_ bytes: Bytes, charset: String?) -> String {
        let name = charset?.lowercased() ?? "us-ascii"
        if name == "iso-8859-1" || name == "iso8859-1" || name == "latin1" {
            return latin1(bytes)
        }
        if name != "utf-8" && name != "utf8" && name != "us-ascii" && name != "ascii", !bytes.allSatisfy({ $0 < 0x80 }) || isStateful(name),
           let text = iconvDecode(Array(bytes), from: iconvName(name)) {
            return text
        }
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        return latin1(bytes)
    }

    /// Each byte as the code point of the same value.
    static func latin1<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        var text = ""
        text.unicodeScalars.reserveCapacity(bytes.count)
        for byte in bytes { text.unicodeScalars.append(Unicode.Scalar(byte)) }
        return text
    }

    /// Charsets whose ASCII bytes are escape sequences into other sets (ISO-2022-JP is 7-bit).
    static func isStateful(_ name: String) -> Bool { name.hasPrefix("iso-2022") || name.hasPrefix("utf-7") }

    /// The name iconv knows for a MIME charset name: mail software writes some that glibc does not list.
    static func iconvName(_ name: String) -> String {
        switch name {
        case "shift-jis", "x-sjis", "sjis", "ms_kanji", "csshiftjis": return "SHIFT_JIS"
        // Windows' Japanese (Shift_JIS with NEC and IBM extensions), what Japanese mail often holds under the name.
        case "windows-31j", "cp932", "x-ms-cp932": return "CP932"
        case "x-euc-jp", "eucjp", "euc_jp": return "EUC-JP"
        case "ks_c_5601-1987", "ks_c_5601", "euc-kr": return "CP949"
        case "gb2312", "x-gbk", "gbk": return "GB18030"  // a superset that reads both
        default: return name
        }
    }

    /// `bytes` in `charset` converted by iconv, a byte it cannot read replaced by U+FFFD; nil when iconv does not
    /// know the charset.
    static func iconvDecode(_ bytes: [UInt8], from charset: String) -> String? {
        let converter = iconv_open("UTF-8", charset)
        guard converter != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(converter) }
        var input = bytes
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 2)
        let chunk = 4096
        var scratch = [UInt8](repeating: 0, count: chunk)
        input.withUnsafeMutableBufferPointer { inputBuffer in
            scratch.withUnsafeMutableBufferPointer { scratchBuffer in
                guard let inputBase = inputBuffer.baseAddress, let scratchBase = scratchBuffer.baseAddress else { return }
                var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inputBase).assumingMemoryBound(to: CChar.self)
                var inLeft = inputBuffer.count
                // Bounded: every turn either consumes input or drains output; a byte that is neither is skipped.
                var turns = 0, flushed = false
                while turns < 4 * bytes.count + 16, !flushed {
                    turns += 1
                    var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(scratchBase).assumingMemoryBound(to: CChar.self)
                    var outLeft = chunk
                    // Once the input is used up, a call with none flushes a stateful encoding's shift state.
                    flushed = inLeft == 0
                    let result = flushed
                        ? iconv(converter, nil, nil, &outPointer, &outLeft)
                        : iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
                    let failure = result == -1 ? errno : 0
                    output.append(contentsOf: UnsafeBufferPointer(start: scratchBase, count: chunk - outLeft))
                    if failure == E2BIG { flushed = false; continue }
                    if failure != 0, inLeft > 0 {
                        output += [0xEF, 0xBF, 0xBD]  // U+FFFD for the byte that is not in the charset
                        inPointer = inPointer.map { $0 + 1 }
                        inLeft -= 1
                    }
                }
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
