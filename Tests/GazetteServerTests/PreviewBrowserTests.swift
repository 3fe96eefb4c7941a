// The preview in a real headless Chromium (DevTools protocol): the page shows the subscriber's email with no
// unfilled placeholder, reloads by itself after an edit, shows a render error and recovers from it, measures
// layout in its frames and simulates dark mode. Screenshots go to .build/test-output/preview/.
import Foundation
import GazetteTestSupport
import XCTest

final class PreviewBrowserTests: XCTestCase {
    let issue = PreviewFixture.firstIssue
    static let frameText = "document.getElementById('frame-desktop').contentDocument.body.innerText"

    static var screenshots: URL {
        let folder = TestPaths.packageRoot.appendingPathComponent(".build/test-output/preview")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    func testPageReloadsAfterAnEditAndAfterARenderError() async throws {
        let preview = try await PreviewFixture.start(self)
        let browser = try ChromiumSession()
        defer { browser.close() }
        try browser.open(preview.base.appendingPathComponent("preview/\(issue)/"))
        try browser.wait(until: "\(Self.frameText).includes('Lighthouse 2.0 is here')", timeout: 15)
        let visible = try XCTUnwrap(browser.evaluate(Self.frameText) as? String)
        XCTAssertNil(visible.range(of: #"\{\{[^}]*\}\}"#, options: .regularExpression), "an unfilled placeholder is visible")
        XCTAssertNil(visible.range(of: "GZSLOT"), "a slot token is visible")
        XCTAssertEqual(try browser.evaluate("document.getElementById('issue-title').textContent") as? String, "Lighthouse 2.0 is here")
        try browser.wait(until: "document.getElementById('live').className === 'live on'", timeout: 10)
        // The example's code block wraps (email.css): nothing is wider than a frame or cut off, at 640 or 375 px.
        try browser.wait(until: "document.getElementById('layout-findings').dataset.measured === 'desktop mobile'", timeout: 15)
        let layout = try browser.evaluate("document.getElementById('layout-findings').innerText") as? String ?? ""
        XCTAssertEqual(try browser.evaluate("document.getElementById('layout-findings').dataset.count") as? String, "0", layout)
        try browser.screenshot(to: Self.screenshots.appendingPathComponent("issue-before-edit.png"))

        // Edit the Markdown: the open page reloads with the new text.
        let path = "content/issues/\(issue).md"
        let original = try preview.directory.read(path)
        try preview.save(original.replacingOccurrences(of: "And what a week to start.", with: "Written while the preview was open."), to: path)
        let seconds = try browser.wait(until: "\(Self.frameText).includes('Written while the preview was open.')", timeout: 10)
        print("preview: edit to reloaded page in \(String(format: "%.2f", seconds)) s (watcher poll 50 ms)")
        XCTAssertLessThan(seconds, 5)
        try browser.screenshot(to: Self.screenshots.appendingPathComponent("issue-after-edit.png"))

        // Break the email template: the page shows the error with file and line, then comes back when fixed.
        let template = try preview.directory.read("templates/email.html")
        try preview.save(template.replacingOccurrences(of: "<body", with: "{{#issue.title}}<body"), to: "templates/email.html")
        try browser.wait(until: "document.body.classList.contains('failed') && document.body.innerText.includes('templates/email.html:')",
                         timeout: 10)
        try browser.screenshot(to: Self.screenshots.appendingPathComponent("issue-render-error.png"))
        try preview.save(template, to: "templates/email.html")
        try browser.wait(until: "!document.body.classList.contains('failed') && !!document.getElementById('frame-desktop')", timeout: 10)
        try browser.wait(until: "\(Self.frameText).includes('Written while the preview was open.')", timeout: 10)
    }

    /// Content wider than the phone's viewport is a finding of the mobile frame, not of the desktop one; the
    /// forced dark mode inverts the email's colours.
    func testLayoutFindingsAndDarkModeSimulation() async throws {
        let preview = try await PreviewFixture.start(self) { directory in
            let path = "content/issues/\(PreviewFixture.firstIssue).md"
            let text = try directory.read(path)
            try directory.write(text + "\n<table width=\"520\" style=\"width:520px\"><tr><td>A table 520 pixels wide, too wide for a phone.</td></tr></table>\n",
                                to: path)
        }
        let browser = try ChromiumSession()
        defer { browser.close() }
        try browser.open(preview.base.appendingPathComponent("preview/\(issue)/"))
        try browser.wait(until: "document.getElementById('layout-findings').dataset.measured === 'desktop mobile'", timeout: 15)
        let messages = try XCTUnwrap(browser.evaluate(
            "Array.from(document.querySelectorAll('#layout-findings .finding')).map(function (f) { return f.dataset.code + ': ' + f.innerText; })"
        ) as? [String])
        XCTAssertTrue(messages.contains { $0.hasPrefix("layout-overflow") && $0.contains("mobile 375 px") }, "\(messages)")
        XCTAssertFalse(messages.contains { $0.hasPrefix("layout-overflow") && $0.contains("desktop 640 px") }, "\(messages)")
        try browser.screenshot(to: Self.screenshots.appendingPathComponent("layout-findings.png"))

        _ = try browser.evaluate("document.querySelector('button[data-theme=forced]').click()")
        try browser.wait(until: """
            (function () { var d = document.getElementById('frame-mobile').contentDocument;
              return d && d.readyState === 'complete' && getComputedStyle(d.documentElement).filter.includes('invert'); })()
            """, timeout: 10)
        XCTAssertTrue((try browser.evaluate("location.search") as? String)?.contains("theme=forced") == true, "kept across reloads")
        try browser.screenshot(to: Self.screenshots.appendingPathComponent("forced-dark.png"))
    }
}
