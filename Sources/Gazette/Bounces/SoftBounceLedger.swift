// logs/bounces.jsonl: one JSON line per bounce or complaint record imported, so that soft bounces can be counted
// per address over a window and a second import of the same message is recognised (each line has the record's
// id). Appended under an exclusive lock with O_APPEND and fsync'd; a torn last line is ignored on reading.
// Its lines carry no `event` key, so the publish-log readers that scan logs/*.jsonl skip them.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The bounce ledger of a project.
public final class SoftBounceLedger {
    /// One imported record.
    public struct Entry: Codable, Sendable, Equatable {
        /// Identifies the record: the hash of the message's bytes and the recipient (the same on every import).
        public var id: String
        public var email: String
        public var bounceClass: BounceClass
        public var status: String?
        public var reason: String
        /// When the bounce was written (its Date), else when it was imported; ISO 8601 in UTC.
        public var date: Date
        /// Where the message came from (path, or path and message number in an mbox).
        public var source: String

        enum CodingKeys: String, CodingKey {
            case id, email, bounceClass = "class", status, reason, date, source
        }
    }

    /// Project-relative path of the ledger.
    public static let path = "logs/bounces.jsonl"

    public let url: URL
    private(set) var entries: [Entry] = []
    private var ids: Set<String> = []

    /// Reads the ledger at `url` (a missing file is an empty ledger).
    public init(url: URL) throws {
        self.url = url
        guard let data = FileManager.default.contents(atPath: url.path) else { return }
        let decoder = Self.decoder
        for line in data.split(separator: UInt8(ascii: "\n")) {
            // A torn last line (a crash mid-append) or a foreign line is skipped.
            guard let entry = try? decoder.decode(Entry.self, from: Data(line)) else { continue }
            entries.append(entry)
            ids.insert(entry.id)
        }
    }

    /// True when a record with `id` was imported before.
    public func contains(id: String) -> Bool { ids.contains(id) }

    /// The most soft records `email` has within any window of `days` days that holds `date`. Any window, not only
    /// the one ending at `date`: bounces arrive out of date order (two folders, a late mbox), and a count that
    /// depended on the order would suppress on the second import of the same messages what the first missed.
    public func softCount(for email: String, around date: Date, days: Int) -> Int {
        let key = AddressKey.normalize(email)
        let window = Double(days) * 86_400
        let dates = entries.filter { $0.bounceClass == .soft && AddressKey.normalize($0.email) == key }.map(\.date).sorted()
        var best = 0
        // Windows (end - days, end] that hold `date`: their end is a record's date from `date` on, before date + days.
        for end in dates where end >= date && end.timeIntervalSince(date) < window {
            best = max(best, dates.filter { $0 <= end && end.timeIntervalSince($0) < window }.count)
        }
        return best
    }

    /// Adds `entry` in memory only (a dry run).
    public func record(_ entry: Entry) {
        entries.append(entry)
        ids.insert(entry.id)
    }

    /// Appends `entries` to the file (one write per line, then fsync) and records them.
    public func append(_ newEntries: [Entry]) throws {
        guard !newEntries.isEmpty else { return }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let descriptor = open(url.path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw ioError("open") }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX) == 0 else { throw ioError("lock") }
        // A torn line left by a crash gets its newline first, so the next line stands alone.
        let size = lseek(descriptor, 0, SEEK_END)
        var last: UInt8 = 0x0A
        var prefix: [UInt8] = []
        if size > 0, pread(descriptor, &last, 1, size - 1) == 1, last != 0x0A { prefix = [0x0A] }
        let encoder = Self.encoder
        for (index, entry) in newEntries.enumerated() {
            var bytes = prefix + Array(try encoder.encode(entry)) + [0x0A]
            if index == 0 { prefix = [] }
            try bytes.withUnsafeMutableBytes { buffer in
                guard let base = buffer.baseAddress else { return }
                var offset = 0
                while offset < buffer.count {
                    let written = write(descriptor, base + offset, buffer.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw ioError("write")
                    }
                    offset += written
                }
            }
            bytes.removeAll()
            record(entry)
        }
        guard fsync(descriptor) == 0 else { throw ioError("sync") }
    }

    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    private func ioError(_ action: String) -> DiagnosticError {
        DiagnosticError(.error("bounce-ledger-unwritable", "cannot \(action) \(Self.path): \(String(cString: strerror(errno)))",
                               at: SourceLocation(path: Self.path), hint: "check the permissions of logs/ and \(Self.path)"))
    }
}
