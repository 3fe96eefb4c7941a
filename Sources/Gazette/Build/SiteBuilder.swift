// `gazette build`: renders every issue and writes the web archive (a page per issue, an index, an Atom feed,
// stylesheet and content files) and the prepared emails to public/. Rendering errors of one issue do not stop the others.
import Foundation
import Markup

/// Builds a project into `public/`.
public struct SiteBuilder {
    public let project: Project
    public let options: BuildOptions

    public init(project: Project, options: BuildOptions) {
        self.project = project
        self.options = options
    }

    /// The outcome of a build or a check run.
    public struct Result {
        public var rendered: [RenderedIssue] = []
        /// The steps of content/sequences/, rendered to be checked (render and check only: no web pages).
        public var steps: [RenderedIssue] = []
        public var diagnostics: [Diagnostic] = []
        public var writtenFiles: [String] = []
        /// Recipients each built issue's lists and `audience:` give today, by issue path (build only).
        public var audiences: [String: Int] = [:]
        public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    }

    /// Loads and renders the selected issues without writing anything (what `check` needs).
    public func render(progress: (String) -> Void = { _ in }) -> (Result, TemplateSet?) {
        var result = Result()
        let templates: TemplateSet
        do {
            progress("Load templates")
            templates = try TemplateSet(projectRoot: project.root, strict: options.strict)
            result.diagnostics += templates.warnings
        } catch let error as DiagnosticError {
            result.diagnostics += error.diagnostics
            return (result, nil)
        } catch {
            result.diagnostics.append(.error("templates", "\(error)", at: SourceLocation(path: TemplateSet.directory)))
            return (result, nil)
        }
        let (issues, loadDiagnostics) = selectedIssues()
        result.diagnostics += loadDiagnostics
        let renderer = IssueRenderer(project: project, templates: templates)
        for issue in issues {
            progress("Render \(issue.path)")
            do {
                result.rendered.append(try renderer.render(issue))
            } catch let error as DiagnosticError {
                result.diagnostics += error.diagnostics.map { var d = $0; d.step = d.step ?? "Render \(issue.path)"; return d }
            } catch {
                result.diagnostics.append(.error("render", "\(error)", at: SourceLocation(path: issue.path),
                                                 hint: "this is a bug in Gazette if the file looks fine; please report it"))
            }
        }
        // Sequence steps are checked with the issues when no issue is named; they get no web pages.
        if options.issueReferences.isEmpty {
            let (sequences, sequenceDiagnostics) = EmailSequence.load(project: project, date: IssueDate.today())
            result.diagnostics += sequenceDiagnostics
            for step in sequences.flatMap(\.steps) {
                progress("Render \(step.path)")
                do {
                    result.steps.append(try renderer.render(step.source))
                } catch let error as DiagnosticError {
                    result.diagnostics += error.diagnostics.map { var d = $0; d.step = d.step ?? "Render \(step.path)"; return d }
                } catch {
                    result.diagnostics.append(.error("render", "\(error)", at: SourceLocation(path: step.path)))
                }
            }
        }
        return (result, templates)
    }

    func selectedIssues() -> ([IssueSource], [Diagnostic]) {
        guard !options.issueReferences.isEmpty else { return project.loadIssues(includeDrafts: options.includeDrafts) }
        var issues: [IssueSource] = [], diagnostics: [Diagnostic] = []
        for reference in options.issueReferences {
            do {
                let issue = try project.loadIssue(at: project.findIssue(reference))
                diagnostics += issue.diagnostics
                issues.append(issue)
            } catch let error as DiagnosticError {
                diagnostics += error.diagnostics
            } catch {
                diagnostics.append(.error("issue", "\(error)"))
            }
        }
        return (issues, diagnostics)
    }

    /// Renders and writes everything to `public/`.
    public func build(progress: (String) -> Void = { _ in }) -> Result {
        var (result, templates) = render(progress: progress)
        guard let templates else { return result }
        // An issue read with front matter errors was rendered for its findings (check shows them all), but its
        // fallback title or date must not reach the archive and the feed.
        result.rendered.removeAll { !$0.source.errors.isEmpty }
        let audiences = AudienceCheck(project: project)
        for issue in result.rendered {
            result.audiences[issue.source.path] = audiences.check(issue.source).recipients
        }
        let writer = SiteWriter(project: project, templates: templates)
        do {
            progress("Write \(Project.outputDirectory)/")
            result.writtenFiles = try writer.write(result.rendered)
        } catch let error as DiagnosticError {
            result.diagnostics += error.diagnostics
        } catch {
            result.diagnostics.append(.error("write", "could not write \(Project.outputDirectory)/: \(error.localizedDescription)",
                                             at: SourceLocation(path: Project.outputDirectory),
                                             hint: "check that the folder is writable and the disk is not full"))
        }
        return result
    }
}
