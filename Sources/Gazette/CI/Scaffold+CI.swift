// `gazette init --ci github|gitlab`: writes the CI file into a project (new or existing), never over an existing
// one unless asked, and marks suppressed.csv for git's union merge so that two jobs' additions rebase cleanly.
import Foundation

/// The CI systems `gazette init --ci` writes a configuration for.
public enum CIPlatform: String, CaseIterable, Sendable {
    case github, gitlab

    /// Where the configuration goes, relative to the project.
    public var path: String {
        switch self {
        case .github: GitHubWorkflow.path
        case .gitlab: GitLabPipeline.path
        }
    }

    /// The configuration's text for `settings`.
    public func text(_ settings: CISettings) throws -> String {
        let pipeline = CIPipeline(settings: settings)
        switch self {
        case .github: return try GitHubWorkflow.text(pipeline)
        case .gitlab: return try GitLabPipeline.text(pipeline)
        }
    }
}

extension Scaffold {
    /// The line `init --ci` adds to `.gitattributes`: suppressed.csv only grows, so a merge keeps both sides' rows.
    static let unionMergeLine = "subscribers/suppressed.csv merge=union"

    /// Writes the CI configuration into `directory`; returns the paths written or changed, relative to it.
    @discardableResult
    public static func writeCI(_ platform: CIPlatform, settings: CISettings, into directory: URL, force: Bool) throws -> [String] {
        guard (1...64).contains(settings.shards) else {
            throw DiagnosticError(.error("ci-shards", "--shards must be 1 to 64, not \(settings.shards)",
                                         hint: "1 publishes the whole list in one job; 4 splits it across four jobs"))
        }
        let target = directory.appendingPathComponent(platform.path)
        if FileManager.default.fileExists(atPath: target.path) && !force {
            throw DiagnosticError(.error("init-exists", "\(platform.path) already exists; nothing was written",
                                         at: SourceLocation(path: platform.path),
                                         hint: "pass --force to replace it, or move it away and compare"))
        }
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(try platform.text(settings).utf8).write(to: target, options: .atomic)
        var written = [platform.path]

        let attributes = directory.appendingPathComponent(".gitattributes")
        let existing = (try? String(contentsOf: attributes, encoding: .utf8)) ?? ""
        if !existing.textLines().contains(where: { $0.trimmingCharacters(in: .whitespaces) == unionMergeLine }) {
            let separator = existing.isEmpty || existing.last == "\n" || existing.last == "\r\n" ? "" : "\n"
            try Data((existing + separator + unionMergeLine + "\n").utf8).write(to: attributes, options: .atomic)
            written.append(".gitattributes")
        }
        return written
    }
}
