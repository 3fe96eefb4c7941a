// Where bounces come from: single message files (.eml or any file holding one message), Maildir folders
// (cur/ and new/), plain folders of messages, and mbox files (read in 1 MB chunks, so a 50 MB mailbox costs
// little memory). Each message is handed on with a name for errors: `bounces.mbox#12`, `Maildir/new/1700…`.
import Foundation
import Mail

/// One message read from a source.
public struct BounceInput: Sendable {
    /// Where it came from, for messages and the ledger: a path, or `path#n` for the n-th message of an mbox.
    public var origin: String
    public var bytes: [UInt8]
}

/// Reads messages from paths given on the command line.
public enum BounceSource {
    /// A message larger than this is skipped (and counted): bounces are small, and the limit bounds memory.
    public static let maximumMessageSize = MIMEReader.maximumSize

    /// Calls `body` with each message under `url` (a file, an mbox, a Maildir or a folder), in a stable order;
    /// returns the diagnostics of messages that were skipped. Throws when `url` does not exist.
    public static func forEachMessage(at url: URL, named name: String, _ body: (BounceInput) throws -> Void) throws -> [Diagnostic] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw DiagnosticError(.error("bounce-source-missing", "no such file or folder: \(name)",
                                         at: SourceLocation(path: name), hint: "give .eml files, Maildir folders or mbox files"))
        }
        var skipped: [Diagnostic] = []
        if isDirectory.boolValue {
            for (file, fileName) in files(in: url, named: name) {
                skipped += try readFile(file, named: fileName, body)
            }
        } else {
            skipped += try readFile(url, named: name, body)
        }
        return skipped
    }

    /// The message files of a folder: a Maildir's new/ and cur/, otherwise every file below it, sorted.
    static func files(in folder: URL, named name: String) -> [(URL, String)] {
        let manager = FileManager.default
        let maildir = ["new", "cur"].filter { sub in
            var isDirectory: ObjCBool = false
            return manager.fileExists(atPath: folder.appendingPathComponent(sub).path, isDirectory: &isDirectory) && isDirectory.boolValue
        }
        var found: [(URL, String)] = []
        if !maildir.isEmpty {
            for sub in maildir {
                let names = ((try? manager.contentsOfDirectory(atPath: folder.appendingPathComponent(sub).path)) ?? []).sorted()
                for file in names where !file.hasPrefix(".") {
                    found.append((folder.appendingPathComponent("\(sub)/\(file)"), "\(name)/\(sub)/\(file)"))
                }
            }
            return found
        }
        guard let enumerator = manager.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey],
                                                  options: [.skipsHiddenFiles]) else { return [] }
        var relative: [String] = []
        let base = folder.standardizedFileURL.path
        for case let file as URL in enumerator {
            guard (try? file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            var path = file.standardizedFileURL.path
            if path.hasPrefix(base + "/") { path = String(path.dropFirst(base.count + 1)) }
            relative.append(path)
        }
        for path in relative.sorted() { found.append((folder.appendingPathComponent(path), "\(name)/\(path)")) }
        return found
    }

    /// One file: an mbox when it starts with a `From ` line, otherwise one message.
    static func readFile(_ url: URL, named name: String, _ body: (BounceInput) throws -> Void) throws -> [Diagnostic] {
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            return [.warning("bounce-unreadable", "cannot read \(name); skipped", at: SourceLocation(path: name),
                             hint: "check the file's permissions")]
        }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 5)) ?? Data()
        try? handle.seek(toOffset: 0)
        if head == Data("From ".utf8) {
            return try MboxReader.forEachMessage(in: handle, named: name, body)
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? 0
        if size > maximumMessageSize {
            return [tooLarge(name, size)]
        }
        let data = (try? handle.readToEnd()) ?? Data()
        try body(BounceInput(origin: name, bytes: [UInt8](data)))
        return []
    }

    static func tooLarge(_ name: String, _ size: Int) -> Diagnostic {
        .warning("bounce-too-large", "\(name) has \(size) bytes, more than the \(maximumMessageSize) a bounce may have; skipped",
                 at: SourceLocation(path: name), hint: "bounces are small: is this the right file?")
    }
}
