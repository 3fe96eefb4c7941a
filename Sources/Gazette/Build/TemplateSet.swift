// The newsletter's Mustache templates: read from templates/ (or the defaults embedded in the binary),
// parsed once per process for the same texts, and checked for what swift-mustache would silently render as nothing.
import Foundation
import Markup
import Mustache

/// Parsed templates by name (`email.html`, `partials/footer` …) with their sources for diagnostics.
public struct TemplateSet: Sendable {
    public static let directory = "templates"
    /// Layouts a build needs; partials and stylesheets are found from them.
    public static let layouts = ["email.html", "email.txt", "page.html", "index.html", "feed.xml"]

    struct Source: Sendable {
        var path: String
        var text: String
    }

    private(set) var library: MustacheLibrary
    private(set) var sources: [String: Source]
    /// Stylesheets and other non-template files in templates/ (`email.css` …), by name.
    public private(set) var assets: [String: String]
    /// Problems that do not stop a build (unknown variables, unless strict).
    public private(set) var warnings: [Diagnostic] = []
    /// Templates compiled for splicing (`render(_:_:slots:)`), shared by every copy of this set.
    private(set) var compiled = CompiledTemplateStore()
    /// False when a template's text holds the stand-ins' prefix, which splicing would take for a value.
    private(set) var mayBeSpliced = true

    /// Sets parsed so far, by the files' paths and texts: a preview re-rendering after each edit, or `check` after
    /// `build` in one process, reads templates/ again but parses it only when a file changed. A few are kept, so
    /// undoing a template edit finds the set from before it.
    static let cache = LeastRecentlyUsedCache<CacheKey, TemplateSet>(capacity: 8)

    struct CacheKey: Hashable, Sendable {
        var files: [String: TextFile]
        var strict: Bool
    }

    /// Forgets the parsed sets (a benchmark's cold run; tests).
    public static func removeCachedSets() {
        cache.removeAll()
    }

    /// Loads templates from `templates/` under `root`; a file it lacks (a layout, a partial, email.css …) comes
    /// from the defaults built into gazette, so a project overrides only what it changes. The files are read every
    /// time; they are parsed and checked again only when their texts differ from a set made before in this process.
    public init(projectRoot root: URL, strict: Bool = false) throws {
        var files: [String: TextFile] = [:]
        let directory = root.appendingPathComponent(Self.directory)
        if let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey]) {
            for case let url as URL in enumerator {
                guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
                let relative = String(url.path.dropFirst(directory.path.count + 1))
                files[relative] = try TextFile.read(url, path: "\(Self.directory)/\(relative)", allowEmpty: true)
            }
        }
        for (name, text) in DefaultFiles.templates where files[name] == nil {
            files[name] = TextFile(path: "(built-in) \(Self.directory)/\(name)", text: text)
        }
        self = try Self.cache.value(for: CacheKey(files: files, strict: strict)) {
            try TemplateSet(files: files, strict: strict)
        }
    }

    /// Builds the set from file texts keyed by their path under templates/.
    init(files: [String: TextFile], strict: Bool) throws {
        library = MustacheLibrary()
        sources = [:]
        assets = [:]
        var errors: [Diagnostic] = []
        for (name, file) in files.sorted(by: { $0.key < $1.key }) {
            let isTemplate = name.hasSuffix(".html") || name.hasSuffix(".txt") || name.hasSuffix(".xml")
            guard isTemplate else { assets[name] = file.text; continue }
            let key = name.hasPrefix("partials/") ? String(name.dropLast((name as NSString).pathExtension.count + 1)) : name
            do {
                library.register(try MustacheTemplate(string: file.text), named: key)
                sources[key] = Source(path: file.path, text: file.text)
            } catch let error as MustacheTemplate.ParserError {
                errors.append(.error(
                    "template-syntax", "template syntax: \(Self.describe(error.error))",
                    at: SourceLocation(path: file.path, line: error.context.lineNumber, column: error.context.columnNumber),
                    hint: "every {{#section}} needs a matching {{/section}}; tags close with }}"))
            } catch {
                errors.append(.error("template-syntax", "template syntax: \(error)", at: SourceLocation(path: file.path)))
            }
        }
        if !errors.isEmpty { throw DiagnosticError(errors) }
        mayBeSpliced = !sources.values.contains { SplicedContext.holdsStandInPrefix($0.text) }
        for layout in Self.layouts where sources[layout] == nil {
            errors.append(.error("template-missing", "the template \(Self.directory)/\(layout) is missing",
                                 at: SourceLocation(path: Self.directory),
                                 hint: "run `gazette init --templates-only` to write the default templates"))
        }
        errors += referenceProblems(strict: strict)
        let (fatal, advisory) = (errors.filter { $0.severity == .error }, errors.filter { $0.severity == .warning })
        if !fatal.isEmpty { throw DiagnosticError(fatal + advisory) }
        warnings = advisory
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case MustacheTemplate.Error.sectionCloseNameIncorrect: return "a section is closed with a different name than it was opened with"
        case MustacheTemplate.Error.unfinishedName: return "a tag is not closed with }}"
        case MustacheTemplate.Error.expectedSectionEnd: return "a section is opened but never closed"
        case MustacheTemplate.Error.invalidSetDelimiter: return "a set-delimiter tag is malformed"
        default: return "\(error)"
        }
    }

    /// Missing partials (errors) and unknown variables (warnings, errors when strict), with file and line.
    private func referenceProblems(strict: Bool) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        for (name, source) in sources.sorted(by: { $0.key < $1.key }) {
            let isEmail = name.hasPrefix("email") || name.hasPrefix("partials/email")
            var open: [String] = []
            for tag in TemplateTag.scan(source.text) {
                let location = SourceLocation(path: source.path, line: tag.line, column: tag.column)
                switch tag.kind {
                case .partial:
                    if sources[tag.name] == nil {
                        problems.append(.error("template-partial", "the partial \"\(tag.name)\" does not exist",
                                               at: location,
                                               hint: "create \(Self.directory)/\(tag.name).html, or fix the name"))
                    }
                case .sectionOpen, .invertedOpen, .variable, .unescaped:
                    if !TemplateVariables.isKnown(tag.name, openSections: open, isEmail: isEmail,
                                                  isConfirmation: name == DoubleOptIn.template) {
                        problems.append(Diagnostic(
                            strict ? .error : .warning, code: "template-variable",
                            "unknown variable \"\(tag.name)\"; it renders as nothing", at: location,
                            hint: "see docs/templates.md for the variables each template can use"))
                    }
                    if tag.kind == .sectionOpen || tag.kind == .invertedOpen { open.append(tag.name) }
                case .sectionClose:
                    if !open.isEmpty { open.removeLast() }
                case .other:
                    break
                }
            }
        }
        return problems
    }

    /// Renders the template `name` with `context`.
    func render(_ name: String, _ context: [String: Any]) throws -> String {
        guard let output = library.render(context, withTemplate: name) else {
            throw DiagnosticError(.error("template-missing", "the template \(Self.directory)/\(name) is missing",
                                         at: SourceLocation(path: Self.directory)))
        }
        return output
    }

    /// The path of a template for diagnostics.
    func path(of name: String) -> String { sources[name]?.path ?? "\(Self.directory)/\(name)" }
}
