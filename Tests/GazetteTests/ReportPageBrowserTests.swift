// The HTML report page in a real headless Chromium: the SVG charts are there with a mark per issue and outcome,
// the numbers of the report are the ones shown, the flagged domain is marked, no script runs, and the dark
// scheme changes the colours. Screenshots go to .build/test-output/report/.
import Foundation
import GazetteTestSupport
import XCTest
@testable import Gazette

final class ReportPageBrowserTests: XCTestCase {
    func testReportPageChartsNumbersAndDarkMode() throws {
        let directory = try TemporaryDirectory("report-page")
        addTeardownBlock { directory.remove() }
        try directory.copy(from: TestPaths.fixtures.appendingPathComponent("projects/minimal"))
        // Two issues; in the second, every outlook.com recipient is deferred.
        for (slug, day) in [("spring", "2026-03-01"), ("summer", "2026-06-01")] {
            var log = "{\"event\":\"header\",\"time\":\"\(day)T08:00:00.000Z\",\"version\":1,\"issue\":\"\(slug)\"}\n"
                + "{\"event\":\"run-start\",\"time\":\"\(day)T08:00:00.000Z\"}\n"
            for index in 0..<120 {
                let domain = ["gmail.com", "outlook.com", "example.org"][index % 3]
                let event = slug == "summer" && domain == "outlook.com" ? "deferred" : index == 7 ? "failed" : "sent"
                log += "{\"event\":\"\(event)\",\"time\":\"\(day)T08:00:01.000Z\",\"address\":\"r\(index)@\(domain)\"}\n"
            }
            try directory.write(log + "{\"event\":\"run-end\",\"time\":\"\(day)T08:01:00.000Z\"}\n", to: "logs/\(slug).jsonl")
        }
        // Tracking was on for the summer issue only: 30 openers (10 of them only Apple's proxy), 12 clickers.
        let events = EventsFile(directory: directory.url.appendingPathComponent("events"))
        let time = Date(timeIntervalSince1970: 1_780_390_800)  // 2026-06-02
        for index in 0..<30 {
            let open = TrackedOpen(issue: "summer", address: "r\(index * 3)@gmail.com", sent: time)
            try events.append(EngagementEvent(open: open, machine: index < 10, time: time))
        }
        for index in 0..<12 {
            let click = TrackedClick(issue: "summer", address: "r\(index * 3)@gmail.com", url: "https://fixture.example.org/" + (index < 8 ? "a" : "b"))
            try events.append(EngagementEvent(click: click, time: time))
        }
        let report = try ReportBuilder(project: try Project(root: directory.url)).build()
        let page = directory.url.appendingPathComponent(ReportPage.defaultPath)
        try ReportPage.write(report, name: "Fixture Weekly", to: page)
        let html = try String(contentsOf: page, encoding: .utf8)
        XCTAssertFalse(html.contains("<script"), "no JavaScript")
        XCTAssertNil(html.range(of: #"(src|href)="https?:"#, options: .regularExpression), "nothing fetched from elsewhere")

        let browser = try ChromiumSession()
        defer { browser.close() }
        try browser.open(page)
        try browser.wait(until: "document.readyState === 'complete'", timeout: 15)
        let charts = try XCTUnwrap(browser.evaluate("Array.from(document.querySelectorAll('svg.chart')).map(function (s) { return s.dataset.chart; })") as? [String])
        XCTAssertEqual(charts, ["issues", "shares", "engagement", "domains-summer", "domains-spring"])
        XCTAssertEqual(try browser.evaluate("document.querySelector('svg[data-chart=engagement] rect[data-issue=summer][data-kind=machine]').dataset.value") as? String, "10")
        XCTAssertEqual(try browser.evaluate("document.querySelector('#engagement-table tr[data-issue=spring] td').innerText") as? String, "tracking off")
        XCTAssertEqual(try browser.evaluate("document.querySelector('#issue-summer table.links th + td').innerText") as? String, "8",
                       "the top link's clickers")
        // Each chart is drawn: its marks have a size on the page.
        let drawn = try XCTUnwrap(browser.evaluate("""
            Array.from(document.querySelectorAll('svg.chart')).map(function (s) {
              return Array.from(s.querySelectorAll('rect')).filter(function (r) { var b = r.getBoundingClientRect(); return b.width > 0 && b.height > 0; }).length; })
            """) as? [Int])
        XCTAssertTrue(drawn.allSatisfy { $0 > 0 }, "\(drawn)")
        let deferredBar = try browser.evaluate("document.querySelector('svg[data-chart=issues] rect[data-issue=summer][data-outcome=deferred]').dataset.value") as? String
        XCTAssertEqual(deferredBar, "40")
        let sentCell = try browser.evaluate("document.querySelector('#trend tr[data-issue=summer] td[data-key=sent]').innerText") as? String
        XCTAssertEqual(sentCell?.replacingOccurrences(of: "\n", with: " "), "80 66.7%")
        XCTAssertEqual(try browser.evaluate("document.querySelector('#issue-summer tr.flagged').dataset.domain") as? String, "outlook.com")
        XCTAssertEqual(try browser.evaluate("document.querySelector('svg[data-chart=domains-summer] rect[data-flagged=true]').dataset.domain") as? String,
                       "outlook.com")
        XCTAssertEqual(try browser.evaluate("document.querySelectorAll('#issue-spring tr.flagged').length") as? Int, 0)

        let folder = TestPaths.packageRoot.appendingPathComponent(".build/test-output/report")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try browser.screenshot(to: folder.appendingPathComponent("report-light.png"), width: 1200, height: 1600)
        let light = try browser.evaluate("getComputedStyle(document.body).backgroundColor") as? String
        try browser.emulateColorScheme("dark")
        try browser.wait(until: "getComputedStyle(document.body).backgroundColor !== '\(light ?? "")'", timeout: 10)
        let sentFill = try browser.evaluate("getComputedStyle(document.querySelector('rect.o-sent')).fill") as? String
        XCTAssertNotEqual(sentFill, "rgb(46, 125, 79)", "the dark scheme has its own colours")
        try browser.screenshot(to: folder.appendingPathComponent("report-dark.png"), width: 1200, height: 1600)
    }
}
