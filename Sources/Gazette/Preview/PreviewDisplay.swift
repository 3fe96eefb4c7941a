// How the preview frames show an email: exactly as sent, or with one of the simulations that the cases which
// break newsletters need — a dark mode, and images read from this folder before they are published.
import Foundation

/// The ways a preview frame can show a subscriber's email.
public struct PreviewDisplay: Sendable, Equatable {
    /// What the mail client does with colours.
    public enum Theme: String, Sendable, CaseIterable {
        /// As sent.
        case light
        /// A client that honours the email's `prefers-color-scheme: dark` rules (Apple Mail, iOS Mail).
        case dark
        /// A client that inverts the colours of the whole message itself, images put back (the Gmail and
        /// Outlook apps' forced dark mode): what happens to an email without dark-mode rules of its own.
        case forced
    }

    public var theme: Theme = .light
    /// Images under `base_url` are read from content/ through the preview server, so they show before the site
    /// is deployed. Off, the frame asks the live site, exactly as a subscriber's client would.
    public var localImages = true

    public init(theme: Theme = .light, localImages: Bool = true) {
        self.theme = theme
        self.localImages = localImages
    }

    /// The email HTML as this display shows it; `.init(theme: .light, localImages: false)` returns it unchanged.
    public func apply(to html: String, baseURL: String) -> String {
        var html = html
        if localImages, !baseURL.isEmpty {
            for attribute in ["src=\"", "srcset=\"", "background=\""] {
                html = html.replacingOccurrences(of: attribute + baseURL, with: attribute + "/")
            }
        }
        switch theme {
        case .light:
            break
        case .dark:
            // The dark rules apply as if the client preferred dark; light-only rules stop applying.
            for (from, to) in [("(prefers-color-scheme: dark)", "all"), ("(prefers-color-scheme:dark)", "all"),
                               ("(prefers-color-scheme: light)", "not all"), ("(prefers-color-scheme:light)", "not all")] {
                html = html.replacingOccurrences(of: from, with: to)
            }
            html = Self.insertIntoHead(html, "<style>:root { color-scheme: dark; }</style>")
        case .forced:
            html = Self.insertIntoHead(html, """
                <style>html { filter: invert(1) hue-rotate(180deg); background: #fff; }
                img, picture, video, [style*="background-image"] { filter: invert(1) hue-rotate(180deg); }</style>
                """)
        }
        return html
    }

    /// `extra` placed just before `</head>`, or at the start when there is no head.
    static func insertIntoHead(_ html: String, _ extra: String) -> String {
        guard let range = html.range(of: "</head>", options: .caseInsensitive) else { return extra + html }
        return html.replacingCharacters(in: range, with: extra + "</head>")
    }
}
