// The variables templates may use (docs/templates.md lists them for writers) and the check that names
// a template file and line for any other, since swift-mustache renders an unknown name as empty.

/// What each kind of template may refer to.
enum TemplateVariables {
    static let newsletter = ["name", "description", "base_url", "base_path", "language", "postal_address",
                             "sender", "sender.name", "sender.address", "reply_to", "year"]
    static let issue = ["title", "number", "slug", "date", "date_display", "preheader", "summary", "author", "url",
                        "tags", "sequence"]
    static let listedIssue = ["title", "number", "slug", "url", "date", "date_display", "updated", "summary", "content"]

    /// Whether `name` can be resolved, given the sections open around it.
    static func isKnown(_ name: String, openSections: [String], isEmail: Bool, isConfirmation: Bool = false) -> Bool {
        if name == "." { return !openSections.isEmpty }
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        let head = parts[0], tail = parts.count > 1 ? parts[1] : nil
        switch head {
        case "newsletter": return tail.map { newsletter.contains($0) } ?? true
        case "issue": return tail.map { issue.contains($0) } ?? true
        case "content": return tail == nil
        case "content_text", "unsubscribe_url": return isEmail && tail == nil
        case "subscriber": return isEmail || (isConfirmation && (tail.map { ["email", "name"].contains($0) } ?? true))
        case "confirm_url", "confirm_expires", "list": return isConfirmation && tail == nil
        case "issues": return tail == nil
        case "feed": return tail.map { ["updated", "url"].contains($0) } ?? true
        default:
            // Inside {{#issues}} the names of each listed issue resolve too.
            return openSections.contains("issues") && listedIssue.contains(name)
        }
    }

    /// Per-recipient names in email templates: filled at send time, not at build time.
    static func isPerRecipient(_ name: String) -> Bool {
        name == "unsubscribe_url" || name.hasPrefix("subscriber.")
    }
}
