// A sequence (autoresponder) as written: `content/sequences/<name>/` holds the steps (`NN-<id>.md`) and an
// optional `sequence.yml` saying who gets them (`lists:`, `audience:` as an issue's front matter has it) and how far
// back a subscriber may be caught up (`catch_up:`, default 7d). Every mistake is a diagnostic at its file and line.
import Foundation

/// A sequence and its steps, in order.
public struct EmailSequence: Sendable {
    public static let directory = "content/sequences"
    public static let settingsFileName = "sequence.yml"
    /// How overdue a step may be and still be sent, unless `catch_up:` says otherwise.
    public static let defaultCatchUp: TimeInterval = 7 * 86_400
    static let settingsKeys = ["lists", "audience", "catch_up"]

    public var name: String
    /// Project-relative folder: `content/sequences/welcome`.
    public var path: String
    /// The steps ordered by their number.
    public var steps: [SequenceStep] = []
    /// The lists the sequence goes to (nil: every list), and who of them (`audience:`).
    public var lists: [String]?
    public var segment = Segment()
    /// A step more overdue than this (now − subscribed_at − after) is skipped for that subscriber, never sent
    /// later; nil (`catch_up: off`) sends every overdue step, one per run.
    public var catchUp: TimeInterval? = EmailSequence.defaultCatchUp
    /// Errors and warnings of sequence.yml and the steps; a sequence with errors sends nothing.
    public var diagnostics: [Diagnostic] = []

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }

    /// Reads the sequence `name` of `project`; `date` is what `{{issue.date}}` says in its steps (the run's day).
    /// Throws only when the folder does not exist.
    public init(project: Project, name: String, date: IssueDate) throws {
        self.name = name
        path = "\(Self.directory)/\(name)"
        let folder = project.url(path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            let known = Self.names(in: project)
            throw DiagnosticError(.error("sequence-not-found", "there is no sequence \"\(name)\" (no \(path)/)",
                                         at: SourceLocation(path: Self.directory),
                                         hint: known.isEmpty ? "create \(Self.directory)/\(name)/01-welcome.md"
                                             : "known sequences: \(known.joined(separator: ", "))"))
        }
        if !IssueSource.isValidSlug(name) {
            diagnostics.append(.error("sequence-name", "the sequence name \"\(name)\" is not usable as a file name",
                                      at: SourceLocation(path: path), hint: "rename the folder with lower-case letters, digits and hyphens"))
        }
        var listsLocation: SourceLocation?
        let hasSettings = FileManager.default.fileExists(atPath: project.url("\(path)/\(Self.settingsFileName)").path)
        readSettings(project: project, listsLocation: &listsLocation)
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".md") && !$0.hasPrefix(".") }.sorted()
        for fileName in files {
            let file = folder.appendingPathComponent(fileName)
            do {
                var step = try SequenceStep(file: TextFile.read(file, path: project.relativePath(file)), sequence: name, date: date)
                step.source.lists = lists
                step.source.segment = segment
                // Audience findings point at `lists:`, or at sequence.yml, or (without one) at the step.
                step.source.listsLocation = listsLocation ?? (hasSettings ? SourceLocation(path: "\(path)/\(Self.settingsFileName)", line: 1) : nil)
                diagnostics += step.source.diagnostics
                steps.append(step)
            } catch let error as DiagnosticError {
                diagnostics += error.diagnostics
            } catch {
                diagnostics.append(.error("sequence-step", "\(error)", at: SourceLocation(path: project.relativePath(file))))
            }
        }
        steps.sort { ($0.order, $0.path) < ($1.order, $1.path) }
        checkOrder()
    }

    /// The sequences of `project`: the folders of content/sequences/, sorted.
    public static func names(in project: Project) -> [String] {
        let folder = project.url(directory)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { name in
            var isDirectory: ObjCBool = false
            return !name.hasPrefix(".")
                && FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path, isDirectory: &isDirectory)
                && isDirectory.boolValue
        }.sorted()
    }

    /// Every sequence of `project`, or the one named; the ones that cannot be read at all come back as diagnostics.
    public static func load(project: Project, named name: String? = nil, date: IssueDate) -> ([EmailSequence], [Diagnostic]) {
        var sequences: [EmailSequence] = [], diagnostics: [Diagnostic] = []
        for name in name.map({ [$0] }) ?? names(in: project) {
            do {
                let sequence = try EmailSequence(project: project, name: name, date: date)
                diagnostics += sequence.diagnostics
                sequences.append(sequence)
            } catch let error as DiagnosticError {
                diagnostics += error.diagnostics
            } catch {
                diagnostics.append(.error("sequence", "\(error)", at: SourceLocation(path: "\(directory)/\(name)")))
            }
        }
        return (sequences, diagnostics)
    }

    /// sequence.yml: `lists:`, `audience:` (read by Segment, as an issue's), `catch_up:`.
    mutating func readSettings(project: Project, listsLocation: inout SourceLocation?) {
        let settingsPath = "\(path)/\(Self.settingsFileName)"
        let url = project.url(settingsPath)
        guard FileManager.default.fileExists(atPath: url.path) else { return }
        var errors: [Diagnostic] = [], warnings: [Diagnostic] = []
        func recover<Value>(_ fallback: Value, _ read: () throws -> Value) -> Value {
            do { return try read() } catch let error as DiagnosticError { errors += error.diagnostics } catch {
                errors.append(.error("sequence-settings", "\(error)", at: SourceLocation(path: settingsPath)))
            }
            return fallback
        }
        guard let reader = recover(nil, { try YAMLReader(parsing: TextFile.read(url, path: settingsPath).text, file: settingsPath) }) else {
            diagnostics += errors
            return
        }
        for key in reader.keys where !Self.settingsKeys.contains(key) {
            warnings.append(.warning("sequence-settings-unknown", "unknown key `\(key)`; it is ignored", at: reader.location(ofKey: key),
                                     hint: "keys of \(Self.settingsFileName): \(Self.settingsKeys.joined(separator: ", "))"))
        }
        lists = recover(nil) { try reader.strings("lists") }
        if reader.contains("lists") { listsLocation = reader.location(ofKey: "lists") }
        if let audience = recover(nil, { try reader.mapping("audience") }) {
            let (segment, audienceLists) = Segment.read(audience: audience, errors: &errors, warnings: &warnings)
            self.segment = segment
            if let audienceLists {
                if lists != nil, lists != audienceLists {
                    errors.append(.error("sequence-lists", "`lists:` and `audience.lists:` name different lists",
                                         at: audience.location(ofKey: "lists"), hint: "keep one of them"))
                }
                lists = audienceLists
                listsLocation = audience.location(ofKey: "lists")
            }
        }
        if let text = recover(nil, { try reader.string("catch_up") }) {
            if ["off", "false", "none"].contains(text.lowercased()) {
                catchUp = nil
            } else if let span = TimeSpan(text) {
                catchUp = span.seconds
            } else {
                errors.append(.error("sequence-catch-up", "`catch_up:` is not a length of time: \"\(text)\"",
                                     at: reader.location(ofKey: "catch_up"),
                                     hint: "\(TimeSpan.hint), or `off` to send every overdue step (one per run)"))
            }
        }
        diagnostics += errors + warnings
    }

    /// Steps are sent in the order of their numbers, each no earlier than the one before; ids are unique.
    mutating func checkOrder() {
        var ids: [String: String] = [:]
        var previous: SequenceStep?
        for step in steps {
            if let other = ids[step.id] {
                diagnostics.append(.error("sequence-step-id", "the step id \"\(step.id)\" is used by \(other) too",
                                          at: SourceLocation(path: step.path, line: 1),
                                          hint: "each step's log is keyed by its id: rename one file, or set `id:` in its front matter"))
            }
            ids[step.id] = step.path
            if let previous, previous.order == step.order {
                diagnostics.append(.error("sequence-step-number", "\(step.path) and \(previous.path) have the same number \(step.order)",
                                          at: SourceLocation(path: step.path, line: 1), hint: "number the steps 01, 02, 03 … in the order they are sent"))
            }
            if let previous, previous.hasValidAfter, step.hasValidAfter, step.after < previous.after {
                diagnostics.append(.error(
                    "sequence-after-order", "`after: \(step.afterText)` is before the previous step's `after: \(previous.afterText)` (\(previous.path))",
                    at: step.afterLocation,
                    hint: "each step's `after:` counts from subscribed_at, not from the step before: make it \(previous.afterText) or more, or renumber the files"))
            }
            previous = step
        }
        if steps.isEmpty {
            diagnostics.append(.warning("sequence-empty", "the sequence \(name) has no steps", at: SourceLocation(path: path),
                                        hint: "add \(path)/01-welcome.md with `after: 0d` in its front matter"))
        }
    }
}
