// The checks that compare a rendered issue with the thresholds in gazette.yml and with what the law and
// the mailbox providers require (CAN-SPAM's postal address and unsubscribe link; RFC 5322 addresses).
import Foundation

/// Turns an issue's measurements and settings into findings.
public struct IssueChecker {
    public let configuration: Configuration

    public init(configuration: Configuration) { self.configuration = configuration }

    /// Every finding for one rendered issue: the renderer's, then the threshold and compliance checks.
    public func check(_ rendered: RenderedIssue) -> [Diagnostic] {
        let issue = rendered.source
        let measured = rendered.measurements
        let limits = configuration.checks
        let here = SourceLocation(path: issue.path, line: 1)
        var findings = rendered.diagnostics

        // Subject and preheader: each subject of an A/B test is checked like a single one (an empty one is
        // the front matter's error already).
        let subjects = issue.subjectTest.map { test in test.subjects.enumerated().map { ("subject \(SubjectTest.letter(ofArm: $0.offset))", $0.element) } }
            ?? [("the subject", issue.subject)]
        for (name, text) in subjects {
            let subject = text.trimmingWhitespaces()
            let at = issue.subjectTest?.location ?? here
            if subject.isEmpty {
                if issue.subjectTest == nil {
                    findings.append(.error("subject-empty", "the subject is empty", at: here, hint: "set `title:` (or `subject:`) in the front matter"))
                }
                continue
            }
            if subject.count > limits.maxSubjectLength {
                findings.append(.warning("subject-long", "\(name) has \(subject.count) characters; over \(limits.maxSubjectLength) are cut off in most inboxes",
                                         at: at, hint: "shorten it, or set a shorter `subject:` in the front matter"))
            }
            let letters = subject.unicodeScalars.filter { CharacterSet.letters.contains($0) }
            if letters.count >= 8, subject == subject.uppercased() {
                findings.append(.warning("subject-caps", "\(name) is all capitals, a classic spam signal", at: at,
                                         hint: "write it in sentence case"))
            }
        }
        if !measured.hasPreheader {
            findings.append(.warning("preheader-missing", "the issue has no preheader; inboxes will show the first text of the email instead",
                                     at: here, hint: "add `preheader: \"…\"` (40–110 characters) to the front matter"))
        } else if let preheader = issue.preheader, preheader.count > limits.maxPreheaderLength {
            findings.append(.warning("preheader-long", "the preheader has \(preheader.count) characters; over \(limits.maxPreheaderLength) is never shown",
                                     at: here, hint: "keep it under 110 characters"))
        }

        // Spam-filter ratios.
        if measured.linkTextRatio > limits.maxLinkTextRatio {
            findings.append(.warning("link-text-ratio", String(format: "link text is %.0f%% of the visible text; the limit is %.0f%%",
                                                               measured.linkTextRatio * 100, limits.maxLinkTextRatio * 100),
                                     at: here, hint: "add prose around the links, or raise checks.max_link_text_ratio in gazette.yml"))
        }
        if measured.linksPer100Words > limits.maxLinksPer100Words {
            findings.append(.warning("links-per-100-words", String(format: "%.1f links per 100 words (%d links, %d words); the limit is %.1f",
                                                                   measured.linksPer100Words, measured.links, measured.visibleWords, limits.maxLinksPer100Words),
                                     at: here, hint: "fewer links or more text; or raise checks.max_links_per_100_words"))
        }
        if measured.imagesPer100Words > limits.maxImagesPer100Words {
            findings.append(.warning("image-text-ratio", String(format: "%.1f images per 100 words (%d images, %d words); the limit is %.1f",
                                                                measured.imagesPer100Words, measured.images, measured.visibleWords, limits.maxImagesPer100Words),
                                     at: here, hint: "mail that is mostly images is filtered as spam: add text"))
        }

        // Sizes.
        if measured.personalizedHTMLBytes > limits.maxHTMLBytes {
            findings.append(.warning("html-size", "the HTML is \(measured.personalizedHTMLBytes / 1000) KB as sent; Gmail clips messages over \(limits.maxHTMLBytes / 1000) KB",
                                     at: here, hint: "shorten the issue or simplify the template; a clipped message hides the unsubscribe link"))
        }
        if measured.retainedStyleBytes > limits.maxStyleBytes {
            findings.append(.warning("style-size", "the <style> block left in <head> is \(measured.retainedStyleBytes / 1000) KB; Gmail drops it over \(limits.maxStyleBytes / 1000) KB",
                                     at: SourceLocation(path: "templates/email.css"), hint: "move rules that can be inlined out of @media blocks, or trim them"))
        }
        if measured.textWords < limits.minTextWords {
            findings.append(.warning("text-short", "the text part has \(measured.textWords) words of content; under \(limits.minTextWords) looks like an afterthought to filters",
                                     at: here, hint: "write more text, or check that templates/email.txt includes {{{content_text}}}"))
        }

        // Compliance.
        if !measured.hasUnsubscribeLink {
            findings.append(.error("unsubscribe-missing", "the email has no unsubscribe link",
                                   at: SourceLocation(path: "templates/email.html"),
                                   hint: "add <a href=\"{{unsubscribe_url}}\">Unsubscribe</a> to the footer (CAN-SPAM, Gmail and Yahoo require it)"))
        }
        if configuration.unsubscribeURL == nil && configuration.unsubscribeMailto == nil {
            findings.append(.error("unsubscribe-setting", "gazette.yml sets neither unsubscribe.url nor unsubscribe.mailto",
                                   at: configuration.location(of: "unsubscribe"),
                                   hint: "add `unsubscribe: { url: \"https://…/unsubscribe\" }` for the List-Unsubscribe header"))
        }
        if (configuration.postalAddress ?? "").trimmingWhitespaces().isEmpty {
            findings.append(.error("postal-address", "gazette.yml has no postal_address", at: configuration.location(of: "postal_address"),
                                   hint: "CAN-SPAM requires a valid physical postal address in every message: add `postal_address: \"…\"`"))
        } else if !measured.hasPostalAddress {
            findings.append(.error("postal-address", "the email does not show the postal address",
                                   at: SourceLocation(path: "templates/email.html"),
                                   hint: "add {{newsletter.postal_address}} to the footer"))
        }
        return findings
    }
}
