// The values templates see (docs/templates.md): the newsletter, the issue, and at send time the subscriber.
import Foundation
import Markup

/// Builds the Mustache contexts for email, page, index and feed templates.
struct TemplateContext {
    let configuration: Configuration

    /// `newsletter.*`; `basePath` is how a page reaches the site root (`../../`), or the absolute base URL in email.
    /// `year` is the issue's year (the newest issue's on the index and feed), so output does not depend on the clock.
    func newsletter(basePath: String, year: Int) -> [String: Any] {
        [
            "name": configuration.name,
            "description": configuration.description,
            "base_url": configuration.baseURL,
            "base_path": basePath,
            "language": configuration.language,
            "postal_address": configuration.postalAddress ?? "",
            "sender": ["name": configuration.sender.name, "address": configuration.sender.address],
            "reply_to": configuration.replyTo ?? "",
            "year": String(year),
        ]
    }

    /// `issue.*`
    func issue(_ issue: IssueSource) -> [String: Any] {
        var values: [String: Any] = [
            "title": issue.title,
            "number": String(issue.number),
            "slug": issue.slug,
            "date": issue.date.description,
            "date_display": issue.date.displayString,
            "preheader": issue.preheader ?? "",
            "summary": issue.summary ?? "",
            "author": issue.author ?? "",
            "url": webURL(of: issue),
            "tags": issue.tags,
        ]
        // Only a sequence step has it, so `{{^issue.sequence}}…{{/issue.sequence}}` keeps what only issues have
        // (the issue number, the link to the web page) out of steps.
        if let sequence = issue.sequence { values["sequence"] = sequence }
        return values
    }

    /// The absolute URL of an issue's web page.
    func webURL(of issue: IssueSource) -> String { URLReference.resolve(Self.pagePath(of: issue), against: configuration.baseURL) }

    /// Where an issue's page lives under public/ and the base URL.
    static func pagePath(of issue: IssueSource) -> String { "issues/\(issue.slug)/" }

    /// The value of a build-time name used as a marker in the Markdown body (`{{issue.title}}`), if known.
    func buildTimeValue(_ name: String, issue: IssueSource) -> String? {
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        let table: [String: Any]
        switch parts[0] {
        case "issue": table = self.issue(issue)
        case "newsletter": table = newsletter(basePath: configuration.baseURL, year: issue.date.year)
        default: return nil
        }
        return table[parts[1]] as? String
    }
}
