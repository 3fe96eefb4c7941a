// One issue's file: `content/issues/NNN-slug.md` with YAML front matter between `---` lines on top.
// Splitting and reading the front matter keeps line numbers, so errors point into the Markdown file.
import Foundation

/// An issue as written: front matter settings and the Markdown body.
public struct IssueSource: Sendable {
    /// Project-relative path, e.g. `content/issues/002-spring-release.md`.
    public var path: String
    public var number: Int
    public var slug: String
    public var title: String
    /// The email subject; the title unless front matter sets `subject`; with `subjects:` the first of them.
    public var subject: String
    /// The A/B subject test (`subjects:`, `test_share:`, `ab_winner:`, `ab_wait:`); nil for one subject.
    public var subjectTest: SubjectTest?
    public var date: IssueDate
    public var preheader: String?
    public var summary: String?
    public var author: String?
    /// Subscriber lists this issue goes to; nil means all lists.
    public var lists: [String]?
    /// Who of those lists it goes to (`audience:` in the front matter); everybody by default.
    public var segment = Segment()
    /// Where the lists are named (`lists:` or `audience.lists`), for diagnostics about them.
    public var listsLocation: SourceLocation?
    public var tags: [String]
    /// The sequence a step belongs to (`content/sequences/<name>/`); nil for an issue.
    public var sequence: String?
    public var draft: Bool
    /// `publish: true` asks CI to send the issue, `false` holds it back; nil leaves it to `gazette ci ready`'s rule.
    public var publish: Bool?
    /// The Markdown after the front matter.
    public var body: String
    /// The line of the file on which `body` starts.
    public var bodyStartLine: Int
    /// Findings that do not stop loading (an unknown front matter key …).
    public var warnings: [Diagnostic] = []
    /// Front matter mistakes that leave a usable issue (an empty title, a bad date, a list where a value
    /// belongs): the issue is loaded with a fallback value so every other check still runs, but it is
    /// never published.
    public var errors: [Diagnostic] = []

    /// Every finding of loading, errors and warnings in the order of their lines.
    public var diagnostics: [Diagnostic] {
        (errors + warnings).sorted { ($0.location?.line ?? 0) < ($1.location?.line ?? 0) }
    }

    static let knownKeys = ["title", "subject", "date", "preheader", "summary", "author", "lists", "tags", "draft",
                            "publish", "number", "slug", "audience"] + SubjectTest.frontMatterKeys

    /// Parses an issue file's text; throws only when there is no front matter to read (missing, unclosed,
    /// not YAML). Other front matter mistakes go to `errors`. A sequence step (Sequences/) passes the keys
    /// it reads itself as `extraKeys`, and the date it is sent as `defaultDate` (a step has no `date:`).
    public init(file: TextFile, extraKeys: [String] = [], defaultDate: IssueDate? = nil) throws {
        path = file.path
        let location = SourceLocation(path: file.path, line: 1)
        let (frontMatter, body, bodyLine) = try Self.split(file.text, path: file.path)
        guard let frontMatter else {
            throw DiagnosticError(.error(
                "front-matter-missing", "the issue has no front matter", at: location,
                hint: "start the file with a block like\n---\ntitle: \"…\"\ndate: 2026-11-23\n---"))
        }
        let reader = try YAMLReader(parsing: frontMatter, file: file.path, lineOffset: 1)
        let knownKeys = Self.knownKeys + extraKeys
        for key in reader.keys where !knownKeys.contains(key) {
            warnings.append(.warning("front-matter-unknown", "unknown front matter key `\(key)`; it is ignored",
                                     at: reader.location(ofKey: key),
                                     hint: "known keys: \(knownKeys.joined(separator: ", "))"))
        }
        var errors: [Diagnostic] = []
        /// The value `read` returns, or `fallback` with the mistake recorded.
        func recovering<Value>(_ fallback: Value, _ read: () throws -> Value) -> Value {
            do {
                return try read()
            } catch let error as DiagnosticError {
                errors += error.diagnostics
            } catch {
                errors.append(.error("front-matter", "\(error)", at: location))
            }
            return fallback
        }

        let fileName = (file.path as NSString).lastPathComponent
        let stem = (fileName as NSString).deletingPathExtension
        let (fileNumber, fileSlug) = Self.numberAndSlug(fromStem: stem)
        // A missing title falls back to the file's slug in words, so the subject is not empty as well
        // (one finding, not two).
        title = recovering(Self.title(fromSlug: fileSlug)) {
            try reader.requiredString("title", hint: "add `title: \"…\"` to the front matter")
        }
        subject = recovering(nil) { try reader.string("subject") } ?? title
        subjectTest = SubjectTest.read(frontMatter: reader, errors: &errors)
        if let first = subjectTest?.subjects.first { subject = first }
        date = recovering(IssueDate.today()) {
            if let defaultDate, !reader.contains("date") { return defaultDate }
            let dateText = try reader.requiredString("date", hint: "add `date: \(IssueDate.today())` to the front matter")
            guard let date = IssueDate(parsing: dateText) else {
                throw DiagnosticError(.error("front-matter-date", "front matter 'date' is not a date: \"\(dateText)\"",
                                             at: reader.location(ofKey: "date"), hint: "write dates as 2025-03-14"))
            }
            return date
        }
        preheader = recovering(nil) { try reader.string("preheader") }
        summary = recovering(nil) { try reader.string("summary") }
        author = recovering(nil) { try reader.string("author") }
        lists = recovering(nil) { try reader.strings("lists") }
        if reader.contains("lists") { listsLocation = reader.location(ofKey: "lists") }
        if let audience = recovering(nil, { try reader.mapping("audience") }) {
            let (segment, audienceLists) = Segment.read(audience: audience, errors: &errors, warnings: &warnings)
            self.segment = segment
            if let audienceLists {
                if lists != nil, lists != audienceLists {
                    errors.append(.error("front-matter-lists", "`lists:` and `audience.lists:` name different lists",
                                         at: audience.location(ofKey: "lists"), hint: "keep one of them"))
                }
                lists = audienceLists
                listsLocation = audience.location(ofKey: "lists")
            }
        }
        tags = recovering(nil) { try reader.strings("tags") } ?? []
        draft = recovering(false) { try reader.bool("draft") } ?? false
        publish = recovering(nil) { try reader.bool("publish") }
        number = recovering(0) {
            guard let number = try reader.int("number") ?? fileNumber else {
                throw DiagnosticError(.error("issue-number", "the issue has no number", at: location,
                                             hint: "name the file like 012-\(stem).md, or add `number: 12` to the front matter"))
            }
            return number
        }
        slug = recovering(fileSlug) {
            let slug = try reader.string("slug") ?? fileSlug
            guard Self.isValidSlug(slug) else {
                throw DiagnosticError(.error("issue-slug", "the slug \"\(slug)\" is not usable in a URL",
                                             at: reader.contains("slug") ? reader.location(ofKey: "slug") : location,
                                             hint: "use lower-case letters, digits and hyphens"))
            }
            return slug
        }
        self.errors = errors
        self.body = body
        self.bodyStartLine = bodyLine
    }

    /// Splits `---` front matter from the body; returns the body's first line number.
    static func split(_ text: String, path: String) throws -> (frontMatter: String?, body: String, bodyLine: Int) {
        var lines = text.textLines()
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---" else { return (nil, text, 1) }
        lines.removeFirst()
        guard let end = lines.firstIndex(where: { $0 == "---" || $0 == "..." }) else {
            throw DiagnosticError(.error("front-matter-unclosed", "the front matter opened on line 1 is never closed",
                                         at: SourceLocation(path: path, line: 1),
                                         hint: "end the front matter with a line of three dashes: ---"))
        }
        let frontMatter = lines[..<end].joined(separator: "\n")
        let body = lines[(end + 1)...].joined(separator: "\n")
        return (frontMatter, body, end + 3)
    }

    /// `012-spring-release` → (12, "spring-release"); `spring-release` → (nil, "spring-release").
    static func numberAndSlug(fromStem stem: String) -> (Int?, String) {
        let digits = stem.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let number = Int(digits) else { return (nil, slugify(stem)) }
        var rest = stem.dropFirst(digits.count)
        while rest.first == "-" || rest.first == "_" { rest = rest.dropFirst() }
        return (number, rest.isEmpty ? String(digits) : slugify(String(rest)))
    }

    /// Lower-case ASCII letters, digits and single hyphens.
    public static func slugify(_ text: String) -> String {
        var slug = ""
        var pendingHyphen = false
        for scalar in text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased().unicodeScalars {
            if scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) {
                if pendingHyphen && !slug.isEmpty { slug += "-" }
                slug.unicodeScalars.append(scalar)
                pendingHyphen = false
            } else {
                pendingHyphen = true
            }
        }
        return slug.isEmpty ? "issue" : String(slug.prefix(60))
    }

    static func isValidSlug(_ slug: String) -> Bool {
        !slug.isEmpty && slug.unicodeScalars.allSatisfy { ($0.isASCII && CharacterSet.alphanumerics.contains($0)) || $0 == "-" || $0 == "_" }
    }

    /// `spring-release` → "Spring release": a stand-in title while the front matter has none.
    static func title(fromSlug slug: String) -> String {
        let words = slug.replacingOccurrences(of: "-", with: " ")
        return words.prefix(1).uppercased() + words.dropFirst()
    }

    /// The issue's name in progress lines and errors: its file name without extension.
    public var name: String { ((path as NSString).lastPathComponent as NSString).deletingPathExtension }
}
