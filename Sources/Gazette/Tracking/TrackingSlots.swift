// Tracking at render time: each http(s) link of the email's HTML becomes a per-recipient slot and, with opens on,
// a pixel slot is added at the end of the body. The slots are filled at send time by TrackedLinkMaker, by the same
// splicing that fills the unsubscribe URL: the HTML is rendered once, never per recipient. The text part is made
// before this runs, so it keeps the real URLs.
import Foundation
import Markup

/// The tracking slots of a prepared issue.
enum TrackingSlots {
    /// The pixel's slot name.
    static let open = "tracking.open"
    static let clickPrefix = "tracking.click."

    /// The slot name of tracked link `index`.
    static func click(_ index: Int) -> String { clickPrefix + String(index) }

    /// The link index of a click slot's name, or nil.
    static func clickIndex(_ name: String) -> Int? {
        name.hasPrefix(clickPrefix) ? Int(name.dropFirst(clickPrefix.count)) : nil
    }

    /// Whether the HTML part's link `href` is tracked: an absolute http(s) URL, not a slot (the unsubscribe link,
    /// a personalised URL), not the unsubscribe page, not already a tracked link.
    static func isTracked(_ href: String, unsubscribeURL: String?, base: String?) -> Bool {
        let trimmed = href.trimmingCharacters(in: .whitespaces), lower = trimmed.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://"), !trimmed.contains(SlotTable.prefix) else { return false }
        if let unsubscribeURL, !unsubscribeURL.isEmpty, trimmed.hasPrefix(unsubscribeURL) { return false }
        if let base, trimmed.hasPrefix(base + "/c/") || trimmed.hasPrefix(base + "/o/") { return false }
        return true
    }

    /// Replaces the tracked links of `document` with slots (one per distinct URL, in order of first use) and adds
    /// the pixel; returns the URLs, indexed as the click slots are.
    static func apply(to document: HTMLDocument, settings: TrackingSettings, unsubscribeURL: String?, base: String?,
                      slots: SlotTable) -> [String] {
        var links: [String] = [], indexes: [String: Int] = [:]
        if settings.clicks, let root = document.root {
            for element in root.descendants(named: "a") + root.descendants(named: "area") {
                guard let href = element.attribute("href"), isTracked(href, unsubscribeURL: unsubscribeURL, base: base) else { continue }
                let url = href.trimmingCharacters(in: .whitespaces)
                let index = indexes[url] ?? links.count
                if index == links.count {
                    indexes[url] = index
                    links.append(url)
                }
                element.setAttribute("href", slots.token(for: click(index)))
            }
        }
        if settings.opens, let body = document.body {
            let pixel = document.makeElement(named: "img")
            pixel.setAttribute("src", slots.token(for: open))
            pixel.setAttribute("width", "1")
            pixel.setAttribute("height", "1")
            pixel.setAttribute("alt", "")
            pixel.setAttribute("style", "display:block;width:1px;height:1px;border:0;margin:0;padding:0;overflow:hidden")
            body.append(pixel)
        }
        return links
    }
}
