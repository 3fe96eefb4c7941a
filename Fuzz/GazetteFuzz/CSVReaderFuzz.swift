// The CSV reader over a file holding the input, read twice: in the usual chunks and in 3-byte chunks, which
// must give the same records and errors (a chunk boundary changes nothing); then the same file read as a
// subscriber list (header, `email` column, address keys, row diagnostics), as publish and the list commands do.
import Foundation
@testable import Gazette

enum CSVReaderFuzz {
    /// One file per process, rewritten for each input (the reader reads files, not memory).
    private static let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("gazette-fuzz-csv-\(ProcessInfo.processInfo.processIdentifier).csv")

    static func run(_ bytes: [UInt8]) {
        guard FileManager.default.createFile(atPath: url.path, contents: Data(bytes)) else { return }
        let whole = read(chunkSize: CSVReader.defaultChunkSize)
        let small = read(chunkSize: 3)
        require(whole == small, "3-byte chunks read \(small.count) results, 64 KiB chunks \(whole.count)")
        readAsList()
    }

    private static func readAsList() {
        guard let reader = try? SubscriberList(url: url, path: "subscribers/fuzz.csv").open() else { return }
        var rows = 0
        while rows <= 1 << 20, let row = try? reader.next() {
            switch row {
            case .subscriber(let subscriber): _ = subscriber.key.hash64
            case .problem(let diagnostic): _ = diagnostic.message
            }
            rows += 1
        }
    }

    private static func read(chunkSize: Int) -> [Result<CSVRecord, CSVRowError>] {
        guard let reader = try? CSVReader(url: url, path: "fuzz.csv", chunkSize: chunkSize) else { return [] }
        var results: [Result<CSVRecord, CSVRowError>] = []
        // Bounded: a record takes at least one byte, so there are never more results than bytes plus one.
        while results.count <= 1 << 20, let result = try? reader.next() {
            if case .failure(let error) = result { _ = error.message + error.hint }
            results.append(result)
        }
        return results
    }
}
