// Reads a text file of the newsletter repository, refusing what is not text before any parser sees it:
// a missing or unreadable file, an empty one, one over the size limit, binary content, invalid UTF-8.
import Foundation

/// A UTF-8 text file read from the project, with its project-relative path for diagnostics.
public struct TextFile: Sendable, Hashable {
    /// Files larger than this are refused: no newsletter issue, template or config is anywhere near it.
    public static let defaultSizeLimit = 5 * 1024 * 1024

    public var path: String
    public var text: String

    public init(path: String, text: String) {
        self.path = path
        self.text = text
    }

    /// Reads `url`, naming it `path` in diagnostics.
    public static func read(
        _ url: URL, path: String, allowEmpty: Bool = false, sizeLimit: Int = defaultSizeLimit
    ) throws -> TextFile {
        let location = SourceLocation(path: path)
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        } catch {
            throw DiagnosticError(.error("file-missing", "cannot read the file: it does not exist or is not accessible",
                                         at: location, hint: "check the path and the file's permissions"))
        }
        if (attributes[.type] as? FileAttributeType) == .typeDirectory {
            throw DiagnosticError(.error("file-unreadable", "expected a file but found a folder", at: location))
        }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        if size > sizeLimit {
            throw DiagnosticError(.error(
                "file-too-large", "the file is \(size / 1024 / 1024) MB; the limit is \(sizeLimit / 1024 / 1024) MB",
                at: location, hint: "is this the right file? Move large assets out of content and link to them"))
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw DiagnosticError(.error("file-unreadable", "cannot read the file: \(error.localizedDescription)",
                                         at: location, hint: "check the file's permissions"))
        }
        return try decode(data, path: path, allowEmpty: allowEmpty)
    }

    /// Checks bytes for being non-empty UTF-8 text and decodes them.
    public static func decode(_ data: Data, path: String, allowEmpty: Bool = false) throws -> TextFile {
        let location = SourceLocation(path: path)
        let bytes = [UInt8](data)
        if !allowEmpty && bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            throw DiagnosticError(.error("file-empty", "the file is empty", at: location,
                                         hint: "write its content, or delete the file"))
        }
        if let zero = bytes.firstIndex(of: 0) {
            throw DiagnosticError(.error(
                "file-binary", "the file holds binary data (a NUL byte), not text",
                at: location.at(line: lineNumber(ofOffset: zero, in: bytes)),
                hint: "only UTF-8 text files belong here; was an image or archive given a text file's name?"))
        }
        if let bad = firstInvalidUTF8Offset(bytes) {
            throw DiagnosticError(.error(
                "file-encoding", "the file is not valid UTF-8 (byte \(bad + 1))",
                at: location.at(line: lineNumber(ofOffset: bad, in: bytes)),
                hint: "save the file as UTF-8 in your editor"))
        }
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }  // a byte-order mark is not content
        return TextFile(path: path, text: text)
    }

    static func lineNumber(ofOffset offset: Int, in bytes: [UInt8]) -> Int {
        var line = 1
        for byte in bytes[..<offset] where byte == 0x0A { line += 1 }
        return line
    }

    /// The offset of the first byte that does not belong to a well-formed UTF-8 sequence, if any.
    static func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { firstInvalidUTF8Offset($0) }
    }

    /// The same over bytes in place (the CSV reader checks fields in its buffer).
    static func firstInvalidUTF8Offset(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            if lead < 0x80 { index += 1; continue }
            let length: Int
            var minimumSecond: UInt8 = 0x80, maximumSecond: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; minimumSecond = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; maximumSecond = 0x9F
            case 0xF0: length = 4; minimumSecond = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; maximumSecond = 0x8F
            default: return index
            }
            guard index + length <= bytes.count else { return index }
            let second = bytes[index + 1]
            guard second >= minimumSecond && second <= maximumSecond else { return index }
            for offset in 2..<max(2, length) where bytes[index + offset] & 0xC0 != 0x80 { return index }
            index += length
        }
        return nil
    }
}

extension StringProtocol {
    /// The lines of a text, split at LF and at CRLF: "\r\n" is one Character in Swift, so `split(separator: "\n")`
    /// leaves a file with Windows line ends in one piece.
    public func textLines() -> [SubSequence] {
        split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    }
}
