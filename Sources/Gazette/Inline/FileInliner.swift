// `gazette inline`: Markup's CSS inliner on any HTML file, outside a newsletter. Linked stylesheets are read from
// disk relative to the HTML file, never fetched; CSS problems become warnings naming the file and line.
import Foundation
import Markup

/// Inlines the CSS of one HTML document read from a file or standard input.
public struct FileInliner {
    /// What `gazette inline` can change about the inliner's defaults.
    public struct Options: Sendable {
        /// Stylesheets applied after the document's own, in order (paths as given, relative to the working folder).
        public var cssFiles: [String] = []
        /// Keep `@media` rules in a `<style>` in `<head>`; by default they are dropped, as css-inline does.
        public var keepMediaQueries = false
        /// Write `width`, `height`, `bgcolor`, `background`, `align` and `valign` attributes for Outlook.
        public var outlookAttributes = true

        public init() {}
    }

    /// The inlined HTML and the warnings found on the way.
    public struct Result: Sendable {
        public var html: String
        public var diagnostics: [Diagnostic]
    }

    public let options: Options
    /// The folder relative paths (of `--css` files, and of stylesheets linked from standard input) start in.
    public let workingDirectory: URL

    public init(options: Options, workingDirectory: URL) {
        self.options = options
        self.workingDirectory = workingDirectory.standardizedFileURL
    }

    /// The options given to Markup's `Inliner`: its defaults, changed by ours.
    var inlinerOptions: InlinerOptions {
        var inliner = InlinerOptions()
        if !options.keepMediaQueries { inliner.retainedAtRules.remove("media") }
        inliner.applyWidthAttributes = options.outlookAttributes
        inliner.applyHeightAttributes = options.outlookAttributes
        inliner.applyTableAttributes = options.outlookAttributes
        return inliner
    }

    /// Reads an HTML file (`nil` or `-`: from `standardInput`) and inlines it; throws when the HTML or a
    /// `--css` file cannot be read.
    public func inline(file: String?, standardInput: () -> Data) throws -> Result {
        let input: TextFile
        let linkDirectory: URL
        if let file, file != "-" {
            let url = URL(fileURLWithPath: file, relativeTo: workingDirectory).standardizedFileURL
            input = try TextFile.read(url, path: file)
            linkDirectory = url.deletingLastPathComponent()
        } else {
            input = try TextFile.decode(standardInput(), path: "<stdin>")
            linkDirectory = workingDirectory
        }
        return try inline(input, linkDirectory: linkDirectory)
    }

    /// Inlines `input`, whose `<link rel="stylesheet">` hrefs are read relative to `linkDirectory`.
    public func inline(_ input: TextFile, linkDirectory: URL) throws -> Result {
        var inliner = inlinerOptions
        for path in options.cssFiles {
            let file = try TextFile.read(URL(fileURLWithPath: path, relativeTo: workingDirectory), path: path, allowEmpty: true)
            inliner.extraStylesheets.append(.init(source: file.path, css: file.text))
        }
        // Where each linked href was read from, to name that file in its CSS problems.
        var linkedFiles: [String: String] = [:]
        let (html, report) = try Inliner(options: inliner).inline(html: input.text) { href in
            let file = try readLinkedStylesheet(href, from: linkDirectory)
            linkedFiles[href] = file.path
            return file.text
        }
        let diagnostics = report.diagnostics.map { problem -> Diagnostic in
            let location: SourceLocation
            var message = problem.message
            if let line = problem.documentLine {
                location = SourceLocation(path: input.path, line: line)
                if problem.source.hasPrefix("style attribute") { message = "\(problem.source): \(message)" }
            } else {
                location = SourceLocation(path: linkedFiles[problem.source] ?? problem.source, line: problem.line)
            }
            return .warning("css", message, at: location, hint: problem.hint)
        }
        return Result(html: html, diagnostics: diagnostics)
    }

    /// A linked stylesheet from disk: a relative or absolute path, or a `file:` URL; anything else is refused.
    func readLinkedStylesheet(_ href: String, from directory: URL) throws -> TextFile {
        let reference = URLReference(href)
        let local = reference.scheme == nil ? reference.authority == nil
            : reference.scheme?.lowercased() == "file" && ["", "localhost"].contains(reference.authority ?? "")
        guard local else {
            throw LinkedStylesheetProblem(description: "\(href) is not a local file, and gazette inline never fetches "
                                          + "from the network; save it and pass it with --css FILE")
        }
        let path = reference.path.removingPercentEncoding ?? reference.path
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : directory.appendingPathComponent(path).standardizedFileURL
        do {
            return try TextFile.read(url, path: Project.relativePath(url, from: workingDirectory), allowEmpty: true)
        } catch let error as DiagnosticError {
            throw LinkedStylesheetProblem(description: "\(Project.relativePath(url, from: workingDirectory)): "
                                          + error.diagnostics.map(\.message).joined(separator: "; "))
        }
    }
}

/// Why a linked stylesheet was not read; the inliner puts it into its warning.
struct LinkedStylesheetProblem: Error, CustomStringConvertible {
    var description: String
}
