// The model behind `gazette preview`: the project, its templates and each issue rendered once per change,
// personalized per request through publish's own MessageComposer (no second renderer). Knows no HTTP: the
// server asks it for issues and tells it which files changed; it re-renders only what a change touches.
import Foundation
import Mail

/// A project being previewed, kept current as its files change. Thread-safe: every call takes one lock.
public final class PreviewSession: @unchecked Sendable {
    public let root: URL
    private let lock = NSLock()
    private let environment: [String: String]
    /// One secret for the session, so unsubscribe links stay the same across reloads.
    private let unsubscribeSecret: String
    private var fingerprint: ProjectFingerprint
    private var loaded: Loaded?
    private var issues: [String: IssueState] = [:]
    private var recipients: [PreviewRecipient]?
    /// Counts applied changes; pages compare it to know they are current. Guarded by `lock`.
    private var changeCount = 0

    /// How many changes were applied so far.
    public var generation: Int { lock.withLock { changeCount } }

    /// The project and templates, or why they could not be read.
    private struct Loaded {
        var project: Project?
        var templates: TemplateSet?
        /// Findings about the project as a whole (gazette.yml, templates): shown with every issue.
        var diagnostics: [Diagnostic]
    }

    /// One issue file's state, by its file stem.
    private struct IssueState {
        var source: IssueSource?
        var rendered: RenderedIssue?
        var findings: [Diagnostic]
        var renderMilliseconds: Double
        var audience: Int?
    }

    public init(root: URL, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.root = root.standardizedFileURL
        self.environment = environment
        unsubscribeSecret = (try? PublishSecrets.unsubscribeSecret(environment: environment, realSend: false).0) ?? "preview"
        fingerprint = ProjectFingerprint(root: self.root)
    }

    // MARK: Changes

    /// What a refresh found: the files that changed and the issues (by file stem) whose pages must reload.
    public struct Change: Sendable, Equatable {
        public var generation: Int
        public var paths: [String]
        /// Every issue is affected (gazette.yml, a template, a list or a content file changed).
        public var everything: Bool
        public var issues: [String]
    }

    /// Scans the files; when some changed, forgets what they affect, renders the affected issues again at once
    /// (so the reload that follows is served from memory) and returns the change.
    public func refresh() -> Change? {
        lock.withLock {
            let now = ProjectFingerprint(root: root)
            let paths = now.changes(since: fingerprint)
            fingerprint = now
            guard !paths.isEmpty else { return nil }
            return apply(paths)
        }
    }

    private func apply(_ paths: [String]) -> Change {
        changeCount += 1
        var everything = false, touched: [String] = []
        for path in paths {
            if path.hasPrefix(Project.issuesDirectory + "/"), path.hasSuffix(".md") {
                let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
                issues[stem] = nil
                touched.append(stem)
            } else if path.hasPrefix(Project.subscribersDirectory + "/") {
                recipients = nil
                everything = true  // the picker of every open page shows the lists
            } else {
                // gazette.yml, templates/ and content files (a missing image is a finding of every issue).
                if path == Configuration.fileName || path.hasPrefix(TemplateSet.directory + "/") { loaded = nil }
                issues.removeAll()
                everything = true
            }
        }
        if everything { touched = Array(issues.keys) + touched }
        for stem in Set(touched) { _ = issueState(stem) }
        return Change(generation: changeCount, paths: paths, everything: everything, issues: Array(Set(touched)).sorted())
    }

    // MARK: Loading

    private func load() -> Loaded {
        if let loaded { return loaded }
        var result = Loaded(project: nil, templates: nil, diagnostics: [])
        do {
            let project = try Project(root: root)
            result.project = project
            result.diagnostics += ProjectChecker(configuration: project.configuration).check()
            let templates = try TemplateSet(projectRoot: root)
            result.templates = templates
            result.diagnostics += templates.warnings
        } catch let error as DiagnosticError {
            result.diagnostics += error.diagnostics
        } catch {
            result.diagnostics.append(.error("project", "\(error)", at: SourceLocation(path: Configuration.fileName)))
        }
        loaded = result
        return result
    }

    /// The issue file stems in content/issues/, sorted.
    private func issueStems() -> [String] {
        guard let project = load().project else { return [] }
        return project.issueFiles().map { $0.deletingPathExtension().lastPathComponent }
    }

    /// Loads, renders and checks one issue, or returns what is cached.
    private func issueState(_ stem: String) -> IssueState? {
        if let cached = issues[stem] { return cached }
        let loaded = load()
        guard let project = loaded.project else { return nil }
        let file = project.url(Project.issuesDirectory).appendingPathComponent(stem + ".md")
        guard FileManager.default.fileExists(atPath: file.path) else { return nil }
        let started = DispatchTime.now().uptimeNanoseconds
        var state = IssueState(source: nil, rendered: nil, findings: loaded.diagnostics, renderMilliseconds: 0)
        do {
            let source = try project.loadIssue(at: file)
            state.source = source
            state.findings += source.diagnostics  // front matter mistakes too: every finding at once
            if let templates = loaded.templates {
                let rendered = try IssueRenderer(project: project, templates: templates).render(source)
                state.rendered = rendered
                state.findings += IssueChecker(configuration: project.configuration).check(rendered)
                let audience = AudienceCheck(project: project).check(source)
                state.findings += audience.findings
                state.audience = audience.recipients
            }
        } catch let error as DiagnosticError {
            state.findings += error.diagnostics
        } catch {
            state.findings.append(.error("render", "\(error)", at: SourceLocation(path: project.relativePath(file)),
                                         hint: "this is a bug in Gazette if the file looks fine; please report it"))
        }
        state.renderMilliseconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1_000_000
        issues[stem] = state
        return state
    }

    // MARK: What the pages show

    /// One line of the index.
    public struct IssueEntry: Sendable {
        /// The file name without `.md`: how preview URLs name an issue, even when its front matter is broken.
        public var stem: String
        public var path: String
        public var number: Int?
        public var title: String?
        public var date: String?
        public var slug: String?
        public var draft: Bool
        public var errors: Int
        public var warnings: Int
        /// The subject as it is sent (per-recipient values shown as `{{name}}`).
        public var subject: String?
        /// Recipients of the issue's lists and `audience:` (nil while they cannot be read).
        public var audience: Int?
    }

    /// The index: every issue, drafts included, and the project's own findings.
    public struct Index: Sendable {
        public var newsletter: String?
        public var issues: [IssueEntry]
        public var diagnostics: [Diagnostic]
        public var generation: Int
    }

    public func index() -> Index {
        lock.withLock {
            let loaded = load()
            let entries = issueStems().compactMap { stem in issueState(stem).map { entry(stem, $0) } }
            return Index(newsletter: loaded.project?.configuration.name, issues: entries,
                         diagnostics: loaded.diagnostics, generation: changeCount)
        }
    }

    private func entry(_ stem: String, _ state: IssueState) -> IssueEntry {
        let source = state.source
        let path = source?.path ?? "\(Project.issuesDirectory)/\(stem).md"
        return IssueEntry(
            stem: stem, path: path, number: source?.number, title: source?.title, date: source?.date.description,
            slug: source?.slug, draft: source?.draft ?? false,
            errors: state.findings.filter { $0.severity == .error }.count,
            warnings: state.findings.filter { $0.severity == .warning }.count,
            subject: state.rendered.map { $0.prepared.subject.render($0.prepared.slotNames.map { "{{\($0)}}" }) },
            audience: state.audience)
    }

    /// An issue as one subscriber receives it, with its findings.
    public struct IssuePreview: Sendable {
        public var entry: IssueEntry
        public var recipients: [String]
        public var selectedRecipient: Int
        /// How the page's links name the subscriber shown: `recipient=3`, or `find=<address>` for one found
        /// beyond the picker's rows.
        public var recipientQuery: String
        public var personalized: PersonalizedIssue
        /// The whole message as the transport would get it (not DKIM-signed in the preview), CRLF line ends.
        public var message: [UInt8]
        public var findings: [Diagnostic]
        public var measurements: IssueMeasurements
        public var renderMilliseconds: Double
        public var generation: Int
    }

    /// Why an issue has nothing to show: it is not there, or it could not be rendered (with every finding).
    public enum Failure: Error, Sendable {
        case notFound
        case failed(IssueEntry?, [Diagnostic], generation: Int)
    }

    /// The issue `stem` rendered for the picker's row `recipient` (out of range: the first), or for the row of
    /// the address `find` in any list (added to the picker; not found, a finding says so).
    public func preview(_ stem: String, recipient: Int = 0, find: String? = nil) -> Result<IssuePreview, Failure> {
        lock.withLock {
            guard Self.isIssueStem(stem), let state = issueState(stem) else { return .failure(.notFound) }
            let entry = entry(stem, state)
            guard let rendered = state.rendered, let project = load().project else {
                return .failure(.failed(entry, state.findings, generation: changeCount))
            }
            var offered = recipientRows(project)
            var selected = offered.indices.contains(recipient) ? recipient : 0
            var notes: [Diagnostic] = []
            var query = "recipient=\(selected)"
            if let find, !find.isEmpty {
                if let index = offered.firstIndex(where: { AddressKey($0.recipient.address) == AddressKey(find) }) {
                    selected = index
                    query = "recipient=\(index)"
                } else if let found = PreviewRecipients.find(find, project: project) {
                    offered.append(found)
                    selected = offered.count - 1
                    query = "find=" + UnsubscribeLink.queryEscape(find)
                } else {
                    notes.append(.warning("preview-recipient", "no list has the address \(find)",
                                          at: SourceLocation(path: Project.subscribersDirectory),
                                          hint: "the email is shown for the first subscriber instead"))
                }
            }
            do {
                let configuration = project.configuration
                let unsubscribe = UnsubscribeLink(baseURL: configuration.unsubscribeURL, mailto: configuration.unsubscribeMailto,
                                                  secret: unsubscribeSecret)
                let composer = try MessageComposer(configuration: configuration, prepared: rendered.prepared, signer: nil,
                                                   unsubscribe: unsubscribe)
                // An A/B test: each subscriber sees the subject of their arm (the rest: subject A until a winner).
                let split = rendered.prepared.abSplit
                func arm(_ recipient: Recipient) -> Int? { split?.arm(of: AddressKey(recipient.address)) }
                var chosen = offered[selected].recipient
                chosen.arm = arm(chosen)
                let personalized = try composer.personalize(chosen)
                guard case .message(let message) = try composer.compose(chosen) else {
                    return .failure(.failed(entry, state.findings + [.error(
                        "preview-recipient", "\(chosen.address) cannot receive this issue",
                        at: SourceLocation(path: chosen.source), hint: "pick another subscriber, or fix the row")], generation: changeCount))
                }
                return .success(IssuePreview(
                    entry: entry, recipients: offered.map { row in
                        guard split != nil else { return row.label }
                        return row.label + (arm(row.recipient).map { " · A/B arm \(SubjectTest.letter(ofArm: $0))" } ?? " · A/B rest (gets the winner)")
                    }, selectedRecipient: selected, recipientQuery: query,
                    personalized: personalized,
                    message: message.bytes, findings: notes + state.findings, measurements: rendered.measurements,
                    renderMilliseconds: state.renderMilliseconds, generation: changeCount))
            } catch {
                let reason = (error as? DiagnosticError)?.diagnostics ?? [.error(
                    "preview-message", "the message cannot be made: \(error)", at: SourceLocation(path: Configuration.fileName),
                    hint: "check sender, reply_to and unsubscribe in gazette.yml")]
                return .failure(.failed(entry, state.findings + reason, generation: changeCount))
            }
        }
    }

    /// The issue's web archive page, as `gazette build` writes it to public/issues/<slug>/index.html.
    public func webPage(_ stem: String) -> Result<String, Failure> {
        lock.withLock {
            guard Self.isIssueStem(stem), let state = issueState(stem) else { return .failure(.notFound) }
            let loaded = load()
            guard let rendered = state.rendered, let project = loaded.project, let templates = loaded.templates else {
                return .failure(.failed(entry(stem, state), state.findings, generation: changeCount))
            }
            let all = issueStems().compactMap { issueState($0)?.rendered }
                .sorted { ($0.source.date, $0.source.number) > ($1.source.date, $1.source.number) }
            do {
                return .success(try SiteWriter(project: project, templates: templates).webPage(of: rendered, listing: all))
            } catch {
                let reason = (error as? DiagnosticError)?.diagnostics ?? [.error("page", "\(error)", at: SourceLocation(path: "templates/page.html"))]
                return .failure(.failed(entry(stem, state), state.findings + reason, generation: changeCount))
            }
        }
    }

    /// `base_url` of gazette.yml ("" while it cannot be read).
    public var baseURL: String { lock.withLock { load().project?.configuration.baseURL ?? "" } }

    /// The newsletter's name, when gazette.yml can be read.
    public var newsletterName: String? { lock.withLock { load().project?.configuration.name } }

    /// The file stem of the issue whose web page has `slug`, for the archive's own links between pages.
    public func issueStem(forSlug slug: String) -> String? {
        lock.withLock {
            issueStems().first { issueState($0)?.source?.slug == slug }
        }
    }

    /// A stylesheet of the templates for web pages (`style.css`), as the build copies it to public/.
    public func webStylesheet(_ name: String) -> String? {
        lock.withLock {
            guard name.hasSuffix(".css"), !name.hasPrefix("email") else { return nil }
            return load().templates?.assets[name]
        }
    }

    /// The file under content/ that `encodedPath` (as it stands in a URL, percent-escapes and all) names, when
    /// the build would publish it: a regular file inside content/ once symlinks are resolved, not an issue's
    /// Markdown, not hidden. Anything else — `..`, an absolute path, a symlink out of the project, a folder — is nil.
    public func contentFile(_ encodedPath: String) -> URL? {
        guard let decoded = encodedPath.removingPercentEncoding, !decoded.isEmpty, !decoded.hasPrefix("/"),
              !decoded.contains("\\"), !decoded.contains("\0") else { return nil }
        let segments = decoded.split(separator: "/", omittingEmptySubsequences: false)
        guard segments.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." && !$0.hasPrefix(".") }),
              segments.first != "issues", !decoded.hasSuffix(".md") else { return nil }
        let content = root.appendingPathComponent(Project.contentDirectory)
        guard let base = Self.realPath(content.path), let resolved = Self.realPath(content.appendingPathComponent(decoded).path),
              resolved.hasPrefix(base + "/") else { return nil }
        var info = stat()
        guard stat(resolved, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return URL(fileURLWithPath: resolved)
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private func recipientRows(_ project: Project) -> [PreviewRecipient] {
        if let recipients { return recipients }
        let rows = PreviewRecipients.load(project: project)
        recipients = rows
        return rows
    }

    /// Issue stems come from URLs: only names a file in content/issues/ can have.
    static func isIssueStem(_ stem: String) -> Bool {
        !stem.isEmpty && stem.count <= 200 && !stem.hasPrefix(".")
            && stem.unicodeScalars.allSatisfy { $0 != "/" && $0 != "\\" && $0.value >= 0x20 && $0 != "\u{7F}" }
    }
}
