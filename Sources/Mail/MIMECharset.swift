// Text from bytes in a declared charset, for reading messages. UTF-8 and US-ASCII are read as UTF-8, the
// ISO 8859-1 / Windows-1252 family byte for byte; anything else (ISO-2022-JP, Shift_JIS, …) is read as UTF-8
// when it is valid and as Latin-1 otherwise, which keeps its ASCII (status codes, addresses) intact.

/// Turns the bytes of a part or an encoded word into text.
public enum MIMECharset {
    /// The text of `bytes` in `charset` (a MIME charset name, any case); never fails.
    public static func decode<Bytes: Collection<UInt8>>(_ bytes: Bytes, charset: String?) -> String {
        let name = charset?.lowercased() ?? "us-ascii"
        if name.hasPrefix("iso-8859-1") || name == "latin1" || name == "windows-1252" || name == "cp1252" {
            return latin1(bytes)
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
}
