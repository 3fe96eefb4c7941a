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
    // chunkSize + 8 bytes: 8 NULs after the data stop strcspn and the scan that reads 8 bytes at a time
    private let buffer: UnsafeMutablePointer<UInt8>
    private let unquotedStops: UnsafeMutablePointer<CChar>, quotedStops: UnsafeMutablePointer<CChar>
    private var position = 0, end = 0, atEndOfFile = false, startedReading = false

    private var state = State.fieldStart
    private var line = 1, recordLine = 1
    private var skipLineFeed = false  // after a CR that ended a record: the LF of a CRLF belongs to it
    // A record the state machine reads (one with a quote, or one a chunk boundary cuts): its fields one after
    // the other, unquoted (recordByteLimit bytes at most). Where each field starts and ends: in `field`, or in
    // `buffer` for a record lent straight from the read buffer (`lendUnquotedRecord`, nearly every record).
    // Validate reads them as bytes (CSVRawRecord), `next()` as strings.
    private let field: UnsafeMutablePointer<UInt8>
    private let fieldStarts: UnsafeMutablePointer<Int>, fieldEnds: UnsafeMutablePointer<Int>  // fieldCountLimit entries
    private var fieldStart = 0, fieldLength = 0
    private var fieldQuoted = false
    private var fieldCount = 0, recordBytes = 0
    private var problem: CSVRowError.Reason?
    private var fieldsBeforeProblem = 0  // fields finished when `problem` was noted

    /// Opens `url`; `path` names it in errors.
    public convenience init(url: URL, path: String) throws {
        try self.init(url: url, path: path, chunkSize: Self.defaultChunkSize)
    }

    /// `chunkSize` is small in tests, to prove that chunk boundaries change nothing.
    init(url: URL, path: String, chunkSize: Int) throws {
        self.path = path
        descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Self.ioError(path: path, doing: "open") }
        self.chunkSize = min(max(chunkSize, 1), Self.recordByteLimit)  // a record lent from the buffer is within the limit
        buffer = .allocate(capacity: max(self.chunkSize, 3) + 8)
        buffer.initialize(repeating: 0, count: max(self.chunkSize, 3) + 8)
        unquotedStops = Self.cString(",\r\n")
        quotedStops = Self.cString("\"\n")
        field = .allocate(capacity: Self.recordByteLimit)
        fieldStarts = .allocate(capacity: Self.fieldCountLimit)
        fieldEnds = .allocate(capacity: Self.fieldCountLimit)
    }

    deinit {
        close(descriptor)
        buffer.deallocate()
        field.deallocate()
        fieldStarts.deallocate()
        fieldEnds.deallocate()
        unquotedStops.deallocate()
        quotedStops.deallocate()
    }

    /// The next record or the reason it could not be read; nil at the end of the file.
    /// Throws only when the file cannot be read at all.
    public func next() throws -> Result<CSVRecord, CSVRowError>? {
        try nextRaw().map { result in result.map { $0.record } }
    }

    /// The next record as bytes (valid until the next call), its fields already checked as UTF-8; what `next()`
    /// returns before the strings are made. A million-row validate reads this, making no string per field.
    func nextRaw() throws -> Result<CSVRawRecord, CSVRowError>? {
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
    private func scan() -> Result<CSVRawRecord, CSVRowError>? {
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
            if state == .fieldStart && fieldCount == 0 && recordBytes == 0 && !fieldQuoted && problem == nil {
                // At a record's start: nearly every record is unquoted and lies whole in the buffer.
                switch lendUnquotedRecord(from: position) {
                case .record(let result, let next): position = next; return result
                case .blankLine(let next): position = next; continue
                case .notHere: break  // the state machine below reads it, from the same byte
                }
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

    private enum LentRecord {
        case record(Result<CSVRawRecord, CSVRowError>, next: Int)
        case blankLine(next: Int)
        case notHere
    }

    /// The record starting at `start` when it is unquoted and lies whole in the buffer, its fields lent as slices
    /// of the buffer: nothing is copied. `.notHere` when it has a quote or a NUL, more fields than the limit, or
    /// runs past the buffer's end: the state machine reads it then, from the same byte, with the same result.
    private func lendUnquotedRecord(from start: Int) -> LentRecord {
        let buffer = buffer, fieldStarts = fieldStarts, fieldEnds = fieldEnds
        var window = start, fieldBegin = start, count = 0, seen: UInt64 = 0, cursor = start
        scanning: while true {
            // The 8 bytes from `window` (the NULs after the data make this safe at the end), and each stop among them.
            let word = UnsafeRawPointer(buffer + window).loadUnaligned(as: UInt64.self)
            seen |= word
            var stops = Self.stopBytes(word)
            while stops != 0 {
                cursor = window + stops.trailingZeroBitCount >> 3
                stops &= stops &- 1
                let byte = buffer[cursor]
                if byte == Self.comma {
                    guard count + 1 < Self.fieldCountLimit else { return .notHere }
                    fieldStarts[count] = fieldBegin
                    fieldEnds[count] = cursor
                    count += 1
                    fieldBegin = cursor + 1
                } else if byte == Self.lineFeed || byte == Self.carriageReturn {
                    break scanning
                } else if byte == Self.quote || byte == 0 {
                    return .notHere  // a quote, a NUL, or the end of the buffered bytes
                }  // else a tab or another control byte: text
            }
            window += 8
        }
        let startLine = line
        line += 1
        recordLine = line
        skipLineFeed = buffer[cursor] == Self.carriageReturn
        guard count > 0 || cursor > start else { return .blankLine(next: cursor + 1) }
        fieldStarts[count] = fieldBegin
        fieldEnds[count] = cursor
        count += 1
        // The words read may reach past the line break: a non-ASCII byte there only costs the exact check.
        if seen & 0x8080_8080_8080_8080 != 0 {
            for index in 0..<count
            where !Self.isUTF8(UnsafeBufferPointer(start: buffer + fieldStarts[index], count: fieldEnds[index] - fieldStarts[index])) {
                return .record(.failure(CSVRowError(line: startLine, reason: .invalidUTF8(field: index + 1))), next: cursor + 1)
            }
        }
        return .record(.success(CSVRawRecord(line: startLine, count: count, bytes: UnsafePointer(buffer), starts: UnsafePointer(fieldStarts),
                                             ends: UnsafePointer(fieldEnds))), next: cursor + 1)
    }

    /// Appends `length` bytes to the field, up to the record limit.
    private func append(_ bytes: UnsafeMutablePointer<UInt8>, _ length: Int) {
        guard length > 0 else { return }
        recordBytes += length
        if recordBytes > Self.recordByteLimit {
            noteProblem(.recordTooLong(limit: Self.recordByteLimit))
            return
        }
        (field + fieldStart + fieldLength).update(from: bytes, count: length)
        fieldLength += length
    }

    private func finishField() {
        fieldCount += 1
        defer {
            fieldStart += fieldLength
            fieldLength = 0
            fieldQuoted = false
        }
        guard problem == nil else { return }  // the record is lost anyway
        if fieldCount > Self.fieldCountLimit {
            noteProblem(.tooManyFields(limit: Self.fieldCountLimit), fieldsFinished: fieldCount - 1)
        } else {
            fieldStarts[fieldCount - 1] = fieldStart
            fieldEnds[fieldCount - 1] = fieldStart + fieldLength  // checked as UTF-8 with the whole record
        }
    }

    /// The first field (1-based) among the first `count` that is not UTF-8; one pass over the record when it is
    /// all ASCII, as nearly every record is.
    private func firstInvalidUTF8Field(among count: Int) -> Int? {
        let end = count == 0 ? 0 : fieldEnds[count - 1]
        guard !Self.isASCII(UnsafeBufferPointer(start: field, count: end)) else { return nil }
        var start = 0
        for index in 0..<count {
            if !Self.isUTF8(UnsafeBufferPointer(start: field + start, count: fieldEnds[index] - start)) { return index + 1 }
            start = fieldEnds[index]
        }
        return nil
    }

    /// Ends the record at a line break or the end of the file; nil for a blank line, which is no record.
    private func finishRecord() -> Result<CSVRawRecord, CSVRowError>? {
        let start = recordLine
        recordLine = line
        defer {
            state = .fieldStart
            fieldStart = 0
            fieldCount = 0
            recordBytes = 0
            problem = nil
        }
        if fieldCount == 0 && fieldLength == 0 && !fieldQuoted && problem == nil && recordBytes == 0 {
            return nil
        }
        finishField()
        // A field that is not UTF-8 counts where it was read: before a problem noted in a later field.
        if let bad = firstInvalidUTF8Field(among: problem == nil ? fieldCount : min(fieldsBeforeProblem, fieldCount)) {
            problem = .invalidUTF8(field: bad)
        }
        if let problem { return .failure(CSVRowError(line: start, reason: problem)) }
        return .success(CSVRawRecord(line: start, count: fieldCount, bytes: UnsafePointer(field), starts: UnsafePointer(fieldStarts),
                                     ends: UnsafePointer(fieldEnds)))
    }

    private func finishAtEndOfFile() -> Result<CSVRawRecord, CSVRowError>? {
        guard state == .quoted else { return finishRecord() }
        let start = recordLine
        fieldLength = 0
        fieldQuoted = false
        _ = finishRecord()
        return .failure(CSVRowError(line: start, reason: .unterminatedQuote))
    }

    private func noteProblem(_ reason: CSVRowError.Reason, fieldsFinished: Int? = nil) {
        if problem == nil {
            problem = reason
            fieldsBeforeProblem = fieldsFinished ?? fieldCount
        }
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
        (buffer + end).update(repeating: 0, count: 8)
        if !startedReading {
            startedReading = true
            if end >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF { position = 3 }
        }
    }
}
