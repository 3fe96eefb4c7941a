// Headless Chromium as a test tool: loads a page in an iframe of a given width and returns what a script
// measured inside it (layout facts such as horizontal overflow), so tests see pages as a browser lays them out.
import Foundation
import XCTest

public enum Chromium {
    /// The browser, if installed (Debian's `chromium`).
    public static var executable: URL? {
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            if let url = PythonTools.findInPath(name) { return url }
        }
        return nil
    }

    /// Skips locally, fails under `CI=true`, when Chromium is missing.
    public static func require() throws -> URL {
        if let executable { return executable }
        let reason = "Chromium is not installed (apt-get install chromium, or scripts/setup --test)"
        if ProcessInfo.processInfo.environment["CI"] == "true" { throw PythonTools.Failure(description: reason) }
        throw XCTSkip(reason)
    }

    /// Loads `page` (an HTML file) at `width` CSS pixels and returns the JSON the measuring script posted:
    /// `scrollWidth`, `innerWidth`, the right edge of every image, and for every code block (`pre`) its
    /// `scrollWidth`, `clientWidth` and right edge (wider content than box means it is cut off or scrolls).
    public static func measure(page: URL, width: Int, in directory: URL) throws -> [String: Any] {
        let browser = try require()
        let measured = directory.appendingPathComponent("measured-\(page.lastPathComponent)")
        var html = try String(contentsOf: page, encoding: .utf8)
        html += """
        <script>
        window.addEventListener('load', function () {
          var r = {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
                   imageRights: Array.from(document.images).map(function (i) { return i.getBoundingClientRect().right; }),
                   codeBlocks: Array.from(document.querySelectorAll('pre')).map(function (p) {
                     return {scrollWidth: p.scrollWidth, clientWidth: p.clientWidth, right: p.getBoundingClientRect().right,
                             text: p.textContent.slice(0, 40)};
                   })};
          parent.postMessage(JSON.stringify(r), '*');
        });
        </script>
        """
        try Data(html.utf8).write(to: measured)
        let harness = directory.appendingPathComponent("harness-\(width).html")
        try Data("""
        <!DOCTYPE html><html><body style="margin:0">
        <iframe src="\(measured.lastPathComponent)" style="width:\(width)px;height:1400px;border:0"></iframe>
        <script>window.addEventListener('message', function (e) { document.body.setAttribute('data-result', e.data); });</script>
        </body></html>
        """.utf8).write(to: harness)
        let result = try PythonTools.runProgram(browser, arguments: [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=\(max(width, 500) + 100),1500",
            "--virtual-time-budget=5000", "--dump-dom", harness.absoluteString,
        ], timeout: 90)
        guard let start = result.output.range(of: "data-result=\""),
              let end = result.output[start.upperBound...].firstIndex(of: "\"") else {
            throw PythonTools.Failure(description: "Chromium reported nothing for \(page.lastPathComponent): \(result.stderr.suffix(500))")
        }
        let json = String(result.output[start.upperBound..<end]).replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&amp;", with: "&")
        return (try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]) ?? [:]
    }
}
