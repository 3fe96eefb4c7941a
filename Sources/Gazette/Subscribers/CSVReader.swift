// Streams RFC 4180 records out of a file in fixed-size chunks: constant memory, bytes rather than Characters.
// It knows no header or columns (SubscriberList does); a bad record is reported and the next one read.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Reads CSV records one at a time from a file.
///
/// Quoted fields may hold commas, doubled quotes and line breaks; lines end in LF or CRLF (a lone CR ends a
/// line too); a UTF-8 byte-order mark, blank lines and a missing final newline are accepted. A quote inside an
/// unquoted field is kept as text (as spreadsheets write it); text after a closing quote is an error, because it
/// means a quote inside a quoted field was not doubled and the field's end is a guess.
public final class CSVReader {
    public static let defaultChunkSize = 64 * 1024
    /// No subscriber row comes near a megabyte; a longer one is binary data or a broken quote.
    public static let recordByteLimit = 1024 * 1024
    public static let fieldCountLimit = 10_000

    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted }
    private static let quote: UInt8 = 0x22, comma: UInt8 = 0x2C, lineFeed: UInt8 = 0x0A, carriageReturn: UInt8 = 0x0D

    /// The path named in I/O errors.
    public let path: String
    /// Sees every chunk as it is read, byte-order mark included (the audience hashes list files with it).
    var chunkObserver: ((UnsafeRawBufferPointer) -> Void)?

    private let descriptor: Int32
    private let chunkSize: Int
    private let buffer: UnsafeMutablePointer<UInt8>  // chunkSize + 1 bytes; a NUL after the data stops strcspn
    private let unquotedStops: UnsafeMutablePointer<CChar>, quotedStops: UnsafeMutablePointer<CChar>
    private var position = 0, end = 0, atEndOfFile = false, startedReading = false

    private var state = State.fieldStart
    private var line = 1, recordLine = 1
    private var skipLineFeed = false  // after a CR that ended a record: the LF of a CRLF belongs to it
    private let field: UnsafeMutablePointer<UInt8>  // the field being read: recordByteLimit bytes at most
    private var fieldLength = 0
    private var fieldQuoted = false
    private var fields: [String] = []
    private var fieldCount = 0, recordBytes = 0
    private var problem: CSVRowError.Reason?

    /// Opens `url`; `path` names it in errors.
    public convenience init(url: URL, path: String) throws {
        try self.init(url: url, path: path, chunkSize: Self.defaultChunkSize)
    }

    /// `chunkSize` is small in tests, to prove that chunk boundaries change nothing.
    init(url: URL, path: String, chunkSize: Int) throws {
        self.path = path
        descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Self.ioError(path: path, doing: "open") }
        self.chunkSize = max(chunkSize, 1)
        buffer = .allocate(capacity: max(self.chunkSize, 3) + 1)
        unquotedStops = Self.cString(",\r\n")
        quotedStops = Self.cString("\"\n")
        field = .allocate(capacity: Self.recordByteLimit)
    }

    deinit {
        close(descriptor)
        buffer.deallocate()
        field.deallocate()
        unquotedStops.deallocate()
        quotedStops.deallocate()
    }

    /// The next record or the reason it could not be read; nil at the end of the file.
    /// Throws only when the file cannot be read at all.
    public func next() throws -> Result<CSVRecord, CSVRowError>? {
        while true {
            if position == end {
                if atEndOfFile { return finishAtEndOfFile() }
                try fill()
                continue
            }
            if let result = scan() { return result }
        }
    }

    /// Parses buffered bytes until a record ends (returned) or the buffer is used up (nil).
    /// The hot state lives in locals while scanning: a debug build checks every access to a class's property.
    private func scan() -> Result<CSVRecord, CSVRowError>? {
        let buffer = buffer, end = end, unquotedStops = unquotedStops, quotedStops = quotedStops
        var position = position, state = state
        defer {
            self.position = position
            self.state = state
        }
        func stop(from start: Int, at stops: UnsafeMutablePointer<CChar>) -> Int {
            strcspn(UnsafeRawPointer(buffer + start).assumingMemoryBound(to: CChar.self), stops)
        }
        while position < end {
            if skipLineFeed {
                skipLineFeed = false
                if buffer[position] == Self.lineFeed { position += 1; continue }
            }
            switch state {
            case .fieldStart:
                if buffer[position] == Self.quote {
                    state = .quoted
                    fieldQuoted = true
                    position += 1
                } else {
                    state = .unquoted
                }
            case .unquoted:
                let length = stop(from: position, at: unquotedStops)
                append(buffer + position, length)
                position += length
                guard position < end else { return nil }
                let byte = buffer[position]
                position += 1
                switch byte {
                case Self.comma:
                    finishField()
                    state = .fieldStart
                case Self.lineFeed, Self.carriageReturn:
                    line += 1
                    skipLineFeed = byte == Self.carriageReturn
                    state = .fieldStart
                    if let record = finishRecord() { return record }
                default:
                    noteProblem(.nulByte)
                }
            case .quoted:
                let length = stop(from: position, at: quotedStops)
                append(buffer + position, length)
                position += length
                guard position < end else { return nil }
                switch buffer[position] {
                case Self.quote: state = .quoteInQuoted
                case Self.lineFeed: line += 1; append(buffer + position, 1)
                default: noteProblem(.nulByte)
                }
                position += 1
            case .quoteInQuoted:
                switch buffer[position] {
                case Self.quote:
                    append(buffer + position, 1)  // a doubled quote stands for one
                    position += 1
                    state = .quoted
                case Self.comma, Self.lineFeed, Self.carriageReturn:
                    state = .unquoted  // the delimiter is handled there
                default:
                    noteProblem(.textAfterClosingQuote)
                    state = .unquoted
                }
            }
        }
        return nil
    }

    /// Appends `length` bytes to the field, up to the record limit.
    private func append(_ bytes: UnsafeMutablePointer<UInt8>, _ length: Int) {
        guard length > 0 else { return }
        recordBytes += length
        if recordBytes > Self.recordByteLimit {
            noteProblem(.recordTooLong(limit: Self.recordByteLimit))
            return
        }
        (field + fieldLength).update(from: bytes, count: length)
        fieldLength += length
    }

    private func finishField() {
        fieldCount += 1
        defer {
            fieldLength = 0
            fieldQuoted = false
        }
        guard problem == nil else { return }  // the record is lost anyway: keep no strings for it
        if fieldCount > Self.fieldCountLimit {
            noteProblem(.tooManyFields(limit: Self.fieldCountLimit))
        } else if let text = Self.decode(UnsafeBufferPointer(start: field, count: fieldLength)) {
            fields.append(text)
        } else {
            noteProblem(.invalidUTF8(field: fieldCount))
        }
    }

    /// Ends the record at a line break or the end of the file; nil for a blank line, which is no record.
    private func finishRecord() -> Result<CSVRecord, CSVRowError>? {
        let start = recordLine
        recordLine = line
        defer {
            state = .fieldStart
            fields = []
            fieldCount = 0
            recordBytes = 0
            problem = nil
        }
        if fieldCount == 0 && fieldLength == 0 && !fieldQuoted && problem == nil && recordBytes == 0 {
            return nil
        }
        finishField()
        if let problem { return .failure(CSVRowError(line: start, reason: problem)) }
        return .success(CSVRecord(line: start, fields: fields))
    }

    private func finishAtEndOfFile() -> Result<CSVRecord, CSVRowError>? {
        guard state == .quoted else { return finishRecord() }
        let start = recordLine
        fieldLength = 0
        fieldQuoted = false
        _ = finishRecord()
        return .failure(CSVRowError(line: start, reason: .unterminatedQuote))
    }

    private func noteProblem(_ reason: CSVRowError.Reason) {
        if problem == nil { problem = reason }
    }

    /// Reads the next chunk; the first read also steps over a byte-order mark, however the chunks fall.
    private func fill() throws {
        position = 0
        end = 0
        let wanted = startedReading ? chunkSize : max(chunkSize, 3)
        while true {
            let count = read(descriptor, buffer + end, wanted - end)
            if count < 0 {
                if errno == EINTR { continue }
                throw Self.ioError(path: path, doing: "read")
            }
            if count == 0 { atEndOfFile = true; break }
            chunkObserver?(UnsafeRawBufferPointer(start: buffer + end, count: count))
            end += count
            if startedReading || end >= 3 { break }
        }
        buffer[end] = 0
        if !startedReading {
            startedReading = true
            if end >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF { position = 3 }
        }
    }
}
