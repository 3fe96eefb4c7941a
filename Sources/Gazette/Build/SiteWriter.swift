// Writes a build's output under public/ (layout documented in the README):
//   index.html, feed.xml, style.css, issues/<slug>/index.html, files copied from content/ (images …),
//   email/<slug>/email.html, email.txt (slots shown as {{name}}) and prepared.json (chunks and slots).
import Foundation
import Markup

/// Writes rendered issues as a web archive and prepared emails.
struct SiteWriter {
    let project: Project
    let templates: TemplateSet

    static let feedEntryLimit = 20

    var output: URL { project.url(Project.outputDirectory) }

    /// Writes everything; returns the project-relative paths written.
    func write(_ rendered: [RenderedIssue]) throws -> [String] {
        var written: [String] = []
        let context = TemplateContext(configuration: project.configuration)
        let newestFirst = rendered.sorted { ($0.source.date, $0.source.number) > ($1.source.date, $1.source.number) }
        let year = newestFirst.first?.source.date.year ?? IssueDate.today().year
        // The web versions of each body, made here because only the site needs them. Listings carry the feed's
        // (absolute URLs) for every issue, so a template may show it on the index too.
        let renderer = IssueRenderer(project: project, templates: templates)
        var feedContent: [String: String] = [:]
        for issue in rendered {
            feedContent[issue.source.path] = try renderer.webContentHTML(
                markdownHTML: issue.markdownHTML, issue: issue.source, pathToRoot: nil)
        }

        for issue in rendered {
            let page = try webPage(of: issue, listing: newestFirst, feedContent: feedContent)
            written.append(try save(page, to: TemplateContext.pagePath(of: issue.source) + "index.html"))
            written += try writePrepared(issue.prepared)
        }

        let index: [String: Any] = [
            "newsletter": context.newsletter(basePath: "", year: year),
            "issues": listing(newestFirst, context: context, absolute: false, basePath: "", content: feedContent),
        ]
        written.append(try save(templates.render("index.html", index), to: "index.html"))

        let feed: [String: Any] = [
            "newsletter": context.newsletter(basePath: project.configuration.baseURL, year: year),
            "issues": listing(Array(newestFirst.prefix(Self.feedEntryLimit)), context: context, absolute: true, basePath: "",
                              content: feedContent),
            "feed": ["updated": newestFirst.first?.source.date.rfc3339 ?? IssueDate.today().rfc3339,
                     "url": URLReference.resolve("feed.xml", against: project.configuration.baseURL)],
        ]
        written.append(try save(templates.render("feed.xml", feed), to: "feed.xml"))

        for (name, text) in templates.assets where name.hasSuffix(".css") && !name.hasPrefix("email") {
            written.append(try save(text, to: name))
        }
        written += try copyContentFiles()
        return written
    }

    /// The web archive page of `issue` (templates/page.html), as it is written to public/issues/<slug>/index.html;
    /// `listing` is every issue of the site, newest first, and `feedContent` their feed bodies by source path.
    func webPage(of issue: RenderedIssue, listing issues: [RenderedIssue], feedContent: [String: String] = [:]) throws -> String {
        let context = TemplateContext(configuration: project.configuration)
        let renderer = IssueRenderer(project: project, templates: templates)
        var page: [String: Any] = [
            "newsletter": context.newsletter(basePath: "../../", year: issue.source.date.year),
            "issue": context.issue(issue.source),
            "content": try renderer.webContentHTML(markdownHTML: issue.markdownHTML, issue: issue.source, pathToRoot: "../../"),
        ]
        page["issues"] = listing(issues, context: context, absolute: false, basePath: "../../", content: feedContent)
        return try templates.render("page.html", page)
    }

    /// The issues as index and feed templates list them.
    /// `content` holds the feed's body of each issue by source path.
    func listing(_ issues: [RenderedIssue], context: TemplateContext, absolute: Bool, basePath: String,
                 content: [String: String]) -> [[String: Any]] {
        issues.map { issue in
            let source = issue.source
            return [
                "title": source.title, "number": String(source.number), "slug": source.slug,
                "url": absolute ? context.webURL(of: source) : basePath + TemplateContext.pagePath(of: source),
                "date": source.date.description, "date_display": source.date.displayString,
                "updated": source.date.rfc3339, "summary": source.summary ?? source.preheader ?? "",
                "content": content[source.path] ?? "",
            ]
        }
    }

    /// email.html and email.txt with slots shown as `{{name}}`, and prepared.json for the publish step.
    func writePrepared(_ prepared: PreparedIssue) throws -> [String] {
        let readable = prepared.slotNames.map { "{{\($0)}}" }
        let folder = "email/\(prepared.slug)/"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let json = String(decoding: try encoder.encode(prepared), as: UTF8.self)
        return [
            try save(prepared.html.renderUnescaped(readable), to: folder + "email.html"),
            try save(prepared.text.renderUnescaped(readable), to: folder + "email.txt"),
            try save(json + "\n", to: folder + "prepared.json"),
        ]
    }

    /// Files under content/ other than issues (images, attachments) keep their paths under public/.
    func copyContentFiles() throws -> [String] {
        let content = project.url(Project.contentDirectory)
        guard let enumerator = FileManager.default.enumerator(at: content, includingPropertiesForKeys: [.isRegularFileKey])
        else { return [] }
        var written: [String] = []
        for case let file as URL in enumerator {
            let relative = String(file.standardizedFileURL.path.dropFirst(content.standardizedFileURL.path.count + 1))
            guard !relative.hasPrefix("issues/"), !relative.hasSuffix(".md"), !relative.hasPrefix("."),
                  (try? file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            let target = output.appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            if FileManager.default.fileExists(atPath: target.path) { try FileManager.default.removeItem(at: target) }
            try FileManager.default.copyItem(at: file, to: target)
            written.append("\(Project.outputDirectory)/\(relative)")
        }
        return written
    }

    /// Writes `text` to public/<path> atomically.
    func save(_ text: String, to path: String) throws -> String {
        let target = output.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: target, options: .atomic)
        return "\(Project.outputDirectory)/\(path)"
    }
}

extension PersonalizationTemplate {
    /// Fills the slots with `values` as they are, without escaping (for the readable copies).
    func renderUnescaped(_ values: [String]) -> String {
        withEscaping(.none).render(values)
    }
}
