// One step of a sequence: `content/sequences/<name>/NN-<id>.md`, an issue-like Markdown file whose front matter
// adds `after:` (how long after `subscribed_at` it is due: 0d, 2h, 3d, 1w) and optionally `id:`. Its log is keyed by
// the id, the file name without NN unless `id:` says otherwise, so renumbering steps never resends one.
import Foundation

/// A step of a sequence, read from its file.
public struct SequenceStep: Sendable {
    /// Stable name of the step: its log is `logs/sequences/<sequence>/<id>.jsonl`.
    public var id: String
    /// The NN of the file name: the order of the steps.
    public var order: Int
    /// Seconds after `subscribed_at` at which the step is due.
    public var after: TimeInterval
    /// `after:` as written (`3d`).
    public var afterText: String
    /// Where `after:` is written.
    public var afterLocation: SourceLocation
    /// The step as an issue: title, subject, preheader, body, and the sequence's lists and audience.
    public var source: IssueSource

    public var path: String { source.path }

    /// Whether `after:` was read (a missing or bad one is an error in `source.errors`).
    var hasValidAfter: Bool { !source.errors.contains { $0.code == "sequence-after" } }

    static let frontMatterKeys = ["after", "id"]

    /// Reads the step in `file` of the sequence `sequence`; `date` is the day it is sent (`{{issue.date}}`).
    /// Throws when the front matter cannot be read at all; a bad `after:` or `id:` goes to `source.errors`.
    init(file: TextFile, sequence: String, date: IssueDate) throws {
        var source = try IssueSource(file: file, extraKeys: Self.frontMatterKeys, defaultDate: date)
        let stem = ((file.path as NSString).lastPathComponent as NSString).deletingPathExtension
        let (number, fileID) = IssueSource.numberAndSlug(fromStem: stem)
        let (frontMatter, _, _) = try IssueSource.split(file.text, path: file.path)
        let reader = try YAMLReader(parsing: frontMatter ?? "", file: file.path, lineOffset: 1)
        let fileStart = SourceLocation(path: file.path, line: 1)
        order = number ?? 0
        source.errors.removeAll { $0.code == "issue-number" }  // said below, for a step
        if number == nil {
            source.errors.append(.error("sequence-step-number", "the step's file name does not start with its number",
                                        at: fileStart, hint: "name steps in the order they are sent: 01-welcome.md, 02-tips.md"))
        }
        id = fileID
        do {
            if let custom = try reader.string("id") {
                if IssueSource.isValidSlug(custom) {
                    id = custom
                } else {
                    source.errors.append(.error("sequence-step-id", "the step id \"\(custom)\" is not usable as a file name",
                                                at: reader.location(ofKey: "id"), hint: "use lower-case letters, digits and hyphens"))
                }
            }
        } catch let error as DiagnosticError {
            source.errors += error.diagnostics
        }
        after = 0
        afterText = ""
        afterLocation = reader.contains("after") ? reader.location(ofKey: "after") : fileStart
        do {
            if let text = try reader.string("after") {
                afterText = text
                if let span = TimeSpan(text, allowingZero: true) {
                    after = span.seconds
                } else {
                    source.errors.append(.error(
                        "sequence-after", "`after:` is not a length of time: \"\(text)\"", at: afterLocation,
                        hint: "\(TimeSpan.hint), counted from the subscriber's subscribed_at; 0d sends the step at once"))
                }
            } else {
                source.errors.append(.error("sequence-after", "the step has no `after:`", at: fileStart,
                                            hint: "add `after: 0d` (at once), `after: 3d` or `after: 1w` to the front matter"))
            }
        } catch let error as DiagnosticError {
            source.errors += error.diagnostics
        }
        // Message-IDs, the feedback ID and the subject's slots are keyed by the slug: one per step, never an issue's.
        source.slug = Self.slug(sequence: sequence, step: id)
        source.number = order
        source.sequence = sequence
        self.source = source
    }

    /// The slug a step's messages and tracked links carry: `sequence-<sequence>-<step>`.
    static func slug(sequence: String, step: String) -> String { "sequence-\(sequence)-\(step)" }
}
