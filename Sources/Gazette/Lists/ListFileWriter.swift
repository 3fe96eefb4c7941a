// Writes a list file the git-friendly way: the columns in their order, rows sorted by address key, LF endings,
// quotes only where RFC 4180 needs them; all-or-nothing (temporary file, fsync, rename, fsync of the folder).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Serialises and atomically replaces list files.
public enum ListFileWriter {
    /// The file's bytes: header, then rows sorted by address key (ties keep their order). The same table gives
    /// the same bytes, so rewriting an unchanged list changes nothing.
    public static func bytes(of table: ListTable) -> [UInt8] {
        let keyed = table.rows.enumerated().map { (AddressKey($0.element["email"] ?? "").normalized, $0.offset, $0.element) }
        let sorted = keyed.sorted { lhs, rhs in
            lhs.0 != rhs.0 ? lhs.0.utf8.lexicographicallyPrecedes(rhs.0.utf8) : lhs.1 < rhs.1
        }
        var text = table.columns.map(SuppressionList.field).joined(separator: ",") + "\n"
        for (_, _, row) in sorted {
            text += table.columns.map { SuppressionList.field(row[$0] ?? "") }.joined(separator: ",") + "\n"
        }
        return Array(text.utf8)
    }

    /// Writes `table` to its list's file unless the file holds these bytes already; true when it wrote.
    @discardableResult
    public static func save(_ table: ListTable) throws -> Bool {
        let data = bytes(of: table)
        if let existing = FileManager.default.contents(atPath: table.list.url.path), Array(existing) == data { return false }
        try replace(table.list.url, path: table.list.path, with: data)
        return true
    }

    /// Replaces the file at `url` with `data`: a reader sees the old file or the new one, never a part.
    public static func replace(_ url: URL, path: String, with data: [UInt8]) throws {
        let folder = url.deletingLastPathComponent()
        func failure(_ action: String) -> DiagnosticError {
            DiagnosticError(.error("list-unwritable", "cannot \(action): \(String(cString: strerror(errno)))",
                                   at: SourceLocation(path: path), hint: "check the permissions of \(path) and its folder, and the free space"))
        }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw failure("create the folder")
        }
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure("create a temporary file") }
        var ok = false
        defer { if !ok { unlink(temporary.path) } }
        var offset = 0
        while offset < data.count {
            let written = data.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return write(descriptor, base + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                let error = failure("write the temporary file")
                close(descriptor)
                throw error
            }
            offset += written
        }
        if fsync(descriptor) != 0 {
            let error = failure("sync the temporary file")
            close(descriptor)
            throw error
        }
        close(descriptor)
        guard rename(temporary.path, url.path) == 0 else { throw failure("replace the file") }
        ok = true
        let directory = open(folder.path, O_RDONLY | O_CLOEXEC)  // make the rename itself durable
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }
}
