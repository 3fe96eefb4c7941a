// `gazette init` and `gazette new`: write a new newsletter repository from the embedded defaults, and the
// next issue's file. Never overwrite a file unless asked to.
import Foundation

/// Creates projects and issues from templates.
public enum Scaffold {
    /// Writes the default newsletter into `directory`; refuses to overwrite existing files unless `force`.
    /// Returns the paths written, relative to `directory`.
    @discardableResult
    public static func initialize(_ directory: URL, force: Bool, templatesOnly: Bool = false) throws -> [String] {
        var files: [(String, Data)] = DefaultFiles.templates.map { ("templates/\($0.key)", Data($0.value.utf8)) }
        if !templatesOnly {
            files += DefaultFiles.project.map { ($0.key, Data($0.value.utf8)) }
            files += DefaultFiles.binaries.compactMap { path, base64 in Data(base64Encoded: base64).map { (path, $0) } }
        }
        files.sort { $0.0 < $1.0 }
        let existing = files.map(\.0).filter { FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path) }
        if !existing.isEmpty && !force {
            throw DiagnosticError(existing.prefix(10).map {
                .error("init-exists", "\($0) already exists; nothing was written", at: SourceLocation(path: $0),
                       hint: "run in an empty folder, or pass --force to overwrite the default files")
            })
        }
        for (path, data) in files {
            let target = directory.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: target, options: .atomic)
        }
        for folder in ["content/issues", "subscribers", "logs"] {
            try FileManager.default.createDirectory(at: directory.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        return files.map(\.0)
    }

    /// Writes the next issue file (`content/issues/NNN-slug.md`, a draft dated today); returns its relative path.
    public static func newIssue(in project: Project, title: String, date: IssueDate = .today()) throws -> String {
        let trimmed = title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, !trimmed.contains("\n") else {
            throw DiagnosticError(.error("new-title", "the title is empty or has several lines",
                                         hint: "gazette new \"Spring release notes\""))
        }
        let numbers = project.issueFiles().compactMap { IssueSource.numberAndSlug(fromStem: $0.deletingPathExtension().lastPathComponent).0 }
        let number = (numbers.max() ?? 0) + 1
        let path = "\(Project.issuesDirectory)/\(String(format: "%03d", number))-\(IssueSource.slugify(trimmed)).md"
        let target = project.url(path)
        guard !FileManager.default.fileExists(atPath: target.path) else {
            throw DiagnosticError(.error("new-exists", "\(path) already exists", at: SourceLocation(path: path)))
        }
        let quotedTitle = "\"" + trimmed.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        let text = """
        ---
        title: \(quotedTitle)
        date: \(date)
        preheader: ""
        summary: ""
        draft: true
        ---

        Hi {{subscriber.name}},

        Write the issue here in Markdown (CommonMark). Tables are HTML; images live in content/images/.

        """
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: target, options: .withoutOverwriting)
        return path
    }
}
