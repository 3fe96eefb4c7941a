// A newsletter repository on disk: found by walking up to gazette.yml like git, its settings read,
// its issues listed. Paths in diagnostics are relative to its root.
import Foundation

/// A newsletter repository: `gazette.yml`, `content/issues/`, `templates/`, `subscribers/`.
public struct Project: Sendable {
    public static let issuesDirectory = "content/issues"
    public static let contentDirectory = "content"
    public static let subscribersDirectory = "subscribers"
    public static let outputDirectory = "public"

    public let root: URL
    public let configuration: Configuration

    /// Reads the project whose `gazette.yml` is in `root`.
    public init(root: URL) throws {
        self.root = root.standardizedFileURL
        let file = try TextFile.read(root.appendingPathComponent(Configuration.fileName), path: Configuration.fileName)
        configuration = try Configuration(yaml: file.text)
    }

    /// The folder holding `gazette.yml`: `directory` or the nearest parent that has one.
    public static func locate(from directory: URL) throws -> URL {
        var current = directory.standardizedFileURL
        for _ in 0..<64 {
            if FileManager.default.fileExists(atPath: current.appendingPathComponent(Configuration.fileName).path) {
                return current
            }
            let parent = current.deletingLastPathComponent()
            if parent.path == current.path { break }
            current = parent
        }
        throw DiagnosticError(.error(
            "project-missing", "no gazette.yml in \(directory.path) or any folder above it",
            hint: "run this inside a newsletter repository, pass --project DIR, or create one with `gazette init`"))
    }

    /// `url` relative to the project root, for diagnostics.
    public func relativePath(_ url: URL) -> String { Self.relativePath(url, from: root) }

    /// `url` relative to `folder` when it is inside it, else its absolute path.
    static func relativePath(_ url: URL, from folder: URL) -> String {
        let path = url.standardizedFileURL.path
        let base = folder.path.hasSuffix("/") ? folder.path : folder.path + "/"
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
    }

    public func url(_ relativePath: String) -> URL { root.appendingPathComponent(relativePath) }

    /// The Markdown files in content/issues/, sorted by name.
    public func issueFiles() -> [URL] {
        let directory = url(Self.issuesDirectory)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".md") && !$0.hasPrefix(".") }.sorted().map { directory.appendingPathComponent($0) }
    }

    /// Reads every issue; the ones that fail come back as diagnostics instead. An issue whose front matter
    /// has mistakes it can be read despite (`IssueSource.errors`) is returned too, with those errors.
    public func loadIssues(includeDrafts: Bool) -> (issues: [IssueSource], diagnostics: [Diagnostic]) {
        var issues: [IssueSource] = [], diagnostics: [Diagnostic] = []
        for file in issueFiles() {
            do {
                let issue = try loadIssue(at: file)
                diagnostics += issue.diagnostics
                if includeDrafts || !issue.draft { issues.append(issue) }
            } catch let error as DiagnosticError {
                diagnostics += error.diagnostics
            } catch {
                diagnostics.append(.error("issue-unreadable", "\(error)", at: SourceLocation(path: relativePath(file))))
            }
        }
        var seen: [String: String] = [:]
        for issue in issues {
            if let other = seen[issue.slug] {
                diagnostics.append(.error("issue-duplicate-slug", "the slug \"\(issue.slug)\" is used by \(other) too",
                                          at: SourceLocation(path: issue.path, line: 1),
                                          hint: "rename one file or set `slug:` in its front matter"))
            }
            seen[issue.slug] = issue.path
        }
        return (issues.sorted { ($0.number, $0.path) < ($1.number, $1.path) }, diagnostics)
    }

    public func loadIssue(at file: URL) throws -> IssueSource {
        try IssueSource(file: TextFile.read(file, path: relativePath(file)))
    }

    /// Finds an issue by path, file name, slug or number, as `gazette check 3` or `publish 003-spring` name it.
    public func findIssue(_ reference: String) throws -> URL {
        let direct = URL(fileURLWithPath: reference, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        if reference.hasSuffix(".md"), FileManager.default.fileExists(atPath: direct.path) { return direct }
        let files = issueFiles()
        let matches = files.filter { file in
            let stem = file.deletingPathExtension().lastPathComponent
            let (number, slug) = IssueSource.numberAndSlug(fromStem: stem)
            return stem == reference || slug == reference || file.lastPathComponent == reference
                || (Int(reference) != nil && number == Int(reference))
        }
        guard matches.count == 1, let match = matches.first else {
            throw DiagnosticError(.error(
                "issue-not-found",
                matches.isEmpty ? "no issue matches \"\(reference)\"" : "\"\(reference)\" matches several issues",
                at: SourceLocation(path: Self.issuesDirectory),
                hint: "name an issue by number (3), file name (003-launch.md), slug or path"))
        }
        return match
    }
}
