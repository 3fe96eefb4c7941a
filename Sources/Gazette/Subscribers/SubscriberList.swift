// A subscriber list: one CSV file `subscribers/<name>.csv` whose header row has an `email` column.
// It names and finds list files; SubscriberListReader reads their rows one at a time.
import Foundation

/// One list file of the newsletter repository.
public struct SubscriberList: Sendable, Hashable {
    /// The suppression list's file in `subscribers/`: never a list of recipients.
    public static let suppressionFileName = "suppressed.csv"

    /// The file's name without `.csv`, as an issue's `lists:` names it.
    public let name: String
    public let url: URL
    /// Project-relative path, for diagnostics and the publish log.
    public let path: String

    /// The list `subscribers/<name>.csv` of the project at `root` (a trailing `.csv` in `name` is allowed).
    public init(name: String, root: URL) {
        let stem = name.hasSuffix(".csv") ? String(name.dropLast(4)) : name
        self.name = stem
        path = "\(Project.subscribersDirectory)/\(stem).csv"
        url = root.appendingPathComponent(path)
    }

    /// A list file anywhere (a frozen copy beside a publish log …); `path` names it in diagnostics.
    public init(name: String? = nil, url: URL, path: String) {
        self.url = url
        self.path = path
        self.name = name ?? url.deletingPathExtension().lastPathComponent
    }

    /// The names of every list in `subscribers/` (each `*.csv` but the suppression list), sorted.
    public static func names(root: URL) -> [String] {
        let directory = root.appendingPathComponent(Project.subscribersDirectory)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files
            .filter { $0.hasSuffix(".csv") && !$0.hasPrefix(".") && $0 != suppressionFileName }
            .map { String($0.dropLast(4)) }
            .sorted()
    }

    /// Opens the file and reads its header row.
    public func open() throws -> SubscriberListReader {
        try open(chunkSize: CSVReader.defaultChunkSize, observer: nil)
    }

    /// `observer` sees every chunk of the file's bytes, for a content digest.
    func open(chunkSize: Int, observer: ((UnsafeRawBufferPointer) -> Void)?) throws -> SubscriberListReader {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            // A link to a list kept elsewhere (shared between projects) whose target is gone: say so, and never read
            // it as an empty list (an empty suppression list would mail everyone on it).
            if let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: url.path) {
                throw DiagnosticError(.error(
                    "list-missing", "\(path) is a symbolic link to \(destination), which does not exist", at: SourceLocation(path: path),
                    hint: "restore \(destination), or replace the link with the list itself"))
            }
            if isDirectory.boolValue {
                throw DiagnosticError(.error(
                    "list-missing", "\(path) is a folder, not a list", at: SourceLocation(path: path),
                    hint: "move the folder away and put the list there: a CSV file with a header row such as `email,name`"))
            }
            throw DiagnosticError(.error(
                "list-missing", "the subscriber list \"\(name)\" does not exist", at: SourceLocation(path: path),
                hint: "create \(path) with a header row such as `email,name`, or correct the list's name"))
        }
        return try SubscriberListReader(list: self, chunkSize: chunkSize, observer: observer)
    }

    /// Reads every row: a subscriber or a row problem; a bad row never stops the rest.
    public func forEachRow(_ body: (SubscriberListReader.Row) throws -> Void) throws {
        let reader = try open()
        while let row = try reader.next() { try body(row) }
    }
}
