// The suppression list `subscribers/suppressed.csv` (email,reason,date,detail; files without `detail` still
// read and take appends): unsubscribes, bounces and complaints. Loaded as a set of address hashes; `append`
// adds a row at the end under the project lock (and a file lock) and never rewrites a row.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Addresses that must not be sent to, whatever list they are on. Safe to share between sending threads.
public final class SuppressionList: @unchecked Sendable {  // `keys` and the file are guarded by `lock`
    /// The header `append` writes into a new file.
    public static let header = "email,reason,date,detail"

    public let url: URL
    /// Project-relative path, for diagnostics.
    public let path: String
    /// Rows that could not be read: a person who asked to be left alone may be on one, so they are reported.
    public let problems: [Diagnostic]
    /// The project whose lock (ProjectLock) every append takes; nil for a file outside a project.
    private let projectRoot: URL?
    private let lock = NSLock()
    // 64-bit hashes rather than strings: a few bytes per address. A collision (odds about n²/2⁶⁵) only
    // suppresses someone by mistake, the safe direction.
    private var keys: Set<UInt64> = []

    /// Loads `subscribers/suppressed.csv` of the project at `root`; a missing or empty file is an empty list.
    public convenience init(root: URL) throws {
        let path = "\(Project.subscribersDirectory)/\(SubscriberList.suppressionFileName)"
        try self.init(url: root.appendingPathComponent(path), path: path, projectRoot: root)
    }

    /// Loads the suppression list of `project`.
    public convenience init(project: Project) throws {
        try self.init(root: project.root)
    }

    /// Loads the suppression list at `url`; `path` names it in diagnostics; appends take the lock of the project
    /// at `projectRoot`.
    public init(url: URL, path: String, projectRoot: URL? = nil) throws {
        self.url = url
        self.path = path
        self.projectRoot = projectRoot
        var problems: [Diagnostic] = []
        // The size of what a symbolic link points to (a list shared between projects), not of the link.
        let size = (try? FileManager.default.attributesOfItem(atPath: url.resolvingSymlinksInPath().path)[.size] as? NSNumber)?.intValue
        if let size, size > 0 {
            let reader = try SubscriberList(url: url, path: path).open()
            while let row = try reader.next() {
                switch row {
                case .subscriber(let subscriber): keys.insert(subscriber.key.hash64)
                case .problem(let diagnostic): problems.append(diagnostic)
                }
            }
        }
        self.problems = problems
    }

    /// How many distinct addresses are suppressed.
    public var count: Int { lock.withLock { keys.count } }

    public func contains(_ key: AddressKey) -> Bool { lock.withLock { keys.contains(key.hash64) } }

    public func contains(address: String) -> Bool { contains(AddressKey(address)) }

    /// The hashes as they are now, for one reader that asks a million times without taking the lock.
    var snapshot: Set<UInt64> { lock.withLock { keys } }

    /// Appends `address` with why and when (`YYYY-MM-DD`; today in UTC by default), creating the file with its
    /// header if needed. Appenders in other processes (bounce processing beside a publish) take turns through
    /// the project lock and an exclusive lock on the file; the row is fsync'd before this returns. The row follows the file's own header, so
    /// a file with the old `email,reason,date` header gets three fields (and no detail).
    public func append(address: String, reason: String, date: String = SuppressionList.day(of: Date()),
                       detail: String = "") throws {
        let email = SubscriberListReader.trimmed(address)
        guard !email.isEmpty, !email.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D || $0 == 0x00 }) else {
            throw DiagnosticError(.error("suppression-address-invalid", "cannot suppress an empty or multi-line address",
                                         at: SourceLocation(path: path)))
        }
        let values = ["email": email, "reason": Self.oneLine(reason), "date": Self.oneLine(date), "detail": Self.oneLine(detail)]
        lock.lock()
        defer { lock.unlock() }
        guard let projectRoot else { return try appendRow(email: email, values: values) }
        try ProjectLock.withLock(root: projectRoot, activity: "an append to \(path)") {
            try appendRow(email: email, values: values)
        }
    }

    /// Appends one row; the caller holds `lock` (and the project lock).
    private func appendRow(email: String, values: [String: String]) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let descriptor = open(url.path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw ioError("open") }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX) == 0 else { throw ioError("lock") }
        let size = lseek(descriptor, 0, SEEK_END)
        var text = size <= 0 ? Self.header + "\n" : ""
        let columns = size <= 0 ? Self.header.split(separator: ",").map(String.init) : headerColumns(of: descriptor)
        let row = columns.map { Self.field(values[$0] ?? "") }.joined(separator: ",") + "\n"
        var last: UInt8 = 0x0A
        if size > 0, pread(descriptor, &last, 1, size - 1) == 1, last != 0x0A { text += "\n" }  // no final newline
        var bytes = Array((text + row).utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw ioError("write")
            }
            bytes = bytes.dropFirst(written)
        }
        guard fsync(descriptor) == 0 else { throw ioError("sync") }
        keys.insert(AddressKey(email).hash64)
    }

    /// The header's column names (lower-cased, trimmed), read from the file's first line; `email,reason,date`
    /// when it cannot be read.
    private func headerColumns(of descriptor: Int32) -> [String] {
        var bytes = [UInt8](repeating: 0, count: 4096)
        let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return ["email", "reason", "date"] }
        var line = bytes[0..<count]
        if line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
        if let end = line.firstIndex(where: { $0 == 0x0A || $0 == 0x0D }) { line = line[..<end] }
        let columns = String(decoding: line, as: UTF8.self).split(separator: ",", omittingEmptySubsequences: false)
            .map { SubscriberListReader.trimmed(String($0)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")).lowercased() }
        return columns.contains("email") ? columns : ["email", "reason", "date"]
    }

    /// `value` as a CSV field, quoted when it holds a comma, quote, line break or surrounding space (RFC 4180 §2).
    static func field(_ value: String) -> String {
        let needsQuotes = value.utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
            || value.first?.isWhitespace == true || value.last?.isWhitespace == true
        return needsQuotes ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
    }

    /// A reason on one line; one that a spreadsheet would run as a formula (a bounce text is remote input)
    /// gets a leading apostrophe, as OWASP advises against CSV injection.
    static func oneLine(_ reason: String) -> String {
        CSVFormulaGuard.neutralized(String(reason.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) }))
    }

    /// `YYYY-MM-DD` in UTC.
    public static func day(of date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let year = Int(parts.tm_year) + 1900, month = Int(parts.tm_mon) + 1, day = Int(parts.tm_mday)
        return "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
    }

    private func ioError(_ action: String) -> DiagnosticError {
        DiagnosticError(.error("suppression-unwritable", "cannot \(action) the suppression list: \(String(cString: strerror(errno)))",
                               at: SourceLocation(path: path), hint: "check the permissions of \(path) and its folder"))
    }
}
