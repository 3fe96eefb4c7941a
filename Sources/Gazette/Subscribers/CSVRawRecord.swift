// One record as CSVReader holds it, before strings are made: the fields' bytes, unquoted and checked as UTF-8,
// lent by the reader until its next read (most of them straight from its read buffer). Validate reads a million of these without a string per field.

/// A CSV record's fields as bytes in the reader's buffer; valid only until the reader reads again.
struct CSVRawRecord {
    /// The 1-based line where the record starts.
    let line: Int
    /// How many fields the record has.
    let count: Int
    /// The reader's record buffer or, for an unquoted record, its read buffer; fields start and end at offsets in it.
    let bytes: UnsafePointer<UInt8>
    let starts: UnsafePointer<Int>, ends: UnsafePointer<Int>

    /// The bytes of field `index` (0-based, below `count`).
    func field(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: bytes + starts[index], count: ends[index] - starts[index])
    }

    /// The record with its fields as strings, the form `CSVReader.next()` returns.
    var record: CSVRecord {
        CSVRecord(line: line, fields: (0..<count).map { String(decoding: field($0), as: UTF8.self) })
    }
}
