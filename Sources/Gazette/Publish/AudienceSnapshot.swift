// Freezes an issue's audience at its first publish run: the list files are copied beside the log
// (logs/<issue>.lists/<list>.csv) and fingerprinted in its header, so a rerun finishes that audience even
// if the lists changed since. Committed with the logs, the copies cost git nothing: same bytes, same blob.
import Foundation
import Mail

struct AudienceSnapshot {
    let project: Project
    let directory: URL
    let relativeDirectory: String
    /// The lists to read, and from which files (the frozen copies on a rerun; nil: the current ones).
    let listNames: [String]?
    let files: [String: URL]?
    let issueLists: [String]?

    init(project: Project, logStem: String, header: LogRecord?, issueLists: [String]?) throws {
        self.project = project
        self.issueLists = issueLists
        relativeDirectory = "logs/\(logStem).lists"
        directory = project.url(relativeDirectory)
        guard let lists = header?.lists else {
            listNames = issueLists
            files = nil
            return
        }
        var files: [String: URL] = [:]
        for list in lists {
            let url = project.url(list.snapshot)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw DiagnosticError(.error(
                    "audience-snapshot", "the frozen copy \(list.snapshot) of \(list.path) is missing",
                    at: SourceLocation(path: list.snapshot),
                    hint: "restore it from git (commit logs/ after each run), or start over by moving the issue's log away"))
            }
            files[Self.listName(of: list.path)] = url
        }
        listNames = lists.map { Self.listName(of: $0.path) }
        self.files = files
    }

    /// Copies the current list files beside the log and returns their fingerprints for the header.
    func freeze() throws -> [ListFingerprint] {
        let names = try listNames ?? Audience.allListNames(in: project)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return try names.map { name in
            let path = "\(Project.subscribersDirectory)/\(name).csv"
            let source = project.url(path)
            let copy = directory.appendingPathComponent("\(name).csv")
            // Streamed, hashed and copied in chunks: a list of a million rows never sits in memory.
            let hasher = StreamingSHA256()
            let temporary = directory.appendingPathComponent(".\(name).csv.partial")
            guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
                throw DiagnosticError(.error("audience-snapshot", "cannot create \(relativeDirectory)/\(name).csv",
                                             at: SourceLocation(path: relativeDirectory), hint: "check that logs/ is writable"))
            }
            let output = try FileHandle(forWritingTo: temporary)
            do {
                _ = try ListFileScan.forEachChunk(of: source, path: path) { chunk in
                    hasher.update(chunk)
                    output.write(Data(chunk))
                }
                try output.close()
            } catch {
                try? output.close()
                throw error
            }
            if FileManager.default.fileExists(atPath: copy.path) { try FileManager.default.removeItem(at: copy) }
            try FileManager.default.moveItem(at: temporary, to: copy)
            return ListFingerprint(path: path, sha256: try hasher.finalizeHex(), snapshot: "\(relativeDirectory)/\(name).csv")
        }
    }

    static func listName(of path: String) -> String {
        ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    }
}
