// Reads a list file's raw bytes in chunks without parsing: its digest and an estimate of its rows, cheaply.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Chunked reads of a whole file, in constant memory.
enum ListFileScan {
    /// Gives every chunk of the file to `body`; returns the file's size.
    @discardableResult
    static func forEachChunk(of url: URL, path: String, _ body: (UnsafeRawBufferPointer) -> Void) throws -> Int {
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw DiagnosticError(.error("list-missing", "the subscriber list cannot be read", at: SourceLocation(path: path),
                                         hint: "check that the file exists and may be read"))
        }
        defer { try? handle.close() }
        var size = 0
        while let chunk = try handle.read(upToCount: CSVReader.defaultChunkSize), !chunk.isEmpty {
            size += chunk.count
            chunk.withUnsafeBytes(body)
        }
        return size
    }

    /// How many LF bytes the file holds (memchr: fast even in a debug build).
    static func lineBreaks(in url: URL) throws -> Int {
        var count = 0
        try forEachChunk(of: url, path: url.path) { bytes in
            guard var cursor = bytes.baseAddress else { return }
            let end = cursor + bytes.count
            while cursor < end, let found = memchr(cursor, 0x0A, end - cursor) {
                count += 1
                cursor = UnsafeRawPointer(found) + 1
            }
        }
        return count
    }
}
