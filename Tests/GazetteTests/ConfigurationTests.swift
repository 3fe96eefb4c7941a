import XCTest
@testable import Gazette

final class ConfigurationTests: XCTestCase {
    let minimal = """
    name: "Dispatch"
    base_url: https://example.org/news
    sender: { name: "Dispatch", address: news@example.org }
    postal_address: "1 Main St"
    unsubscribe: { url: "https://example.org/unsubscribe" }
    """

    func testReadsSettingsAndAddsTrailingSlash() throws {
        let configuration = try Configuration(yaml: minimal)
        XCTAssertEqual(configuration.name, "Dispatch")
        XCTAssertEqual(configuration.baseURL, "https://example.org/news/")
        XCTAssertEqual(configuration.sender.address, "news@example.org")
        XCTAssertEqual(configuration.textWidth, 72)
        XCTAssertEqual(configuration.checks, CheckThresholds())
        XCTAssertEqual(configuration.deliveryVia, "outbox:outbox")
        XCTAssertEqual(configuration.bounces, BounceSettings(), "3 soft bounces in 30 days unless set")
    }

    func testSoftBounceSettingsAreReadAndCheckedWithTheirLine() throws {
        let set = try Configuration(yaml: minimal + "\nbounces: { soft_limit: 5, soft_window_days: 14 }\n")
        XCTAssertEqual(set.bounces.softLimit, 5)
        XCTAssertEqual(set.bounces.softWindowDays, 14)
        assertDiagnostic(minimal + "\nbounces:\n  soft_limit: 0\n", code: "setting-invalid", line: 7, message: "`bounces.soft_limit` is 0")
        assertDiagnostic(minimal + "\nbounces:\n  soft_limit: 2\n  soft_window_days: 5000\n", code: "setting-invalid", line: 8,
                         message: "between 1 and 3650")
        assertDiagnostic(minimal + "\nbounces:\n  soft_window_days: a month\n", code: "setting-type", line: 7, message: "a whole number")
        assertDiagnostic(minimal + "\nbounces:\n  soft_limt: 2\n", code: "setting-unknown", line: 7, hint: "soft_limit, soft_window_days")
    }

    func testTrackingIsOffByDefaultAndItsSettingsAreCheckedWithTheirLine() throws {
        let plain = try Configuration(yaml: minimal)
        XCTAssertFalse(plain.tracking.isOn)
        XCTAssertEqual(ProjectChecker(configuration: plain).check().filter { $0.code.hasPrefix("tracking") }, [])
        let on = try Configuration(yaml: minimal + "\ntracking: { clicks: true, opens: false }\n")
        XCTAssertEqual(on.trackingBase, "https://example.org", "the origin of unsubscribe.url")
        let explicit = try Configuration(yaml: minimal + "\ntracking: { opens: true, url: \"https://t.example.net:8443/\" }\n")
        XCTAssertEqual(explicit.trackingBase, "https://t.example.net:8443")
        assertDiagnostic(minimal + "\ntracking:\n  clicks: yes please\n", code: "setting-type", line: 7, message: "true or false")
        assertDiagnostic(minimal + "\ntracking:\n  clicks: true\n  url: \"https://t.example.net/track\"\n", code: "setting-invalid", line: 8,
                         message: "not an http(s) origin")
        assertDiagnostic(minimal + "\ntracking:\n  click: true\n", code: "setting-unknown", line: 7, hint: "clicks, opens")
    }

    func testCheckRefusesTrackingWithoutABaseAndRemindsOfConsent() throws {
        let noUnsubscribeURL = minimal.replacingOccurrences(of: "unsubscribe: { url: \"https://example.org/unsubscribe\" }", with: "")
        let findings = ProjectChecker(configuration: try Configuration(yaml: noUnsubscribeURL + "\n\ntracking:\n  clicks: true\n")).check()
        let error = try XCTUnwrap(findings.first { $0.code == "tracking-url" })
        XCTAssertEqual(error.severity, .error)
        XCTAssertEqual(error.location?.path, "gazette.yml")
        XCTAssertEqual(error.location?.line, 8, "the tracking block")
        XCTAssertEqual(findings.first { $0.code == "tracking-consent" }?.severity, .warning)
        let consented = try Configuration(yaml: minimal + "\ntracking: { opens: true, consent: \"sign-up form checkbox\" }\n")
        XCTAssertEqual(ProjectChecker(configuration: consented).check().filter { $0.code.hasPrefix("tracking") }, [])
    }

    func testTrustedProxiesAreAddressesOrRangesCheckedWithTheirLine() throws {
        XCTAssertEqual(try Configuration(yaml: minimal).serve.trustedProxies, [], "no proxy is trusted unless listed")
        let set = try Configuration(yaml: minimal + "\nserve:\n  trusted_proxies: [127.0.0.1, \"::1\", 10.0.0.0/8]\n")
        XCTAssertEqual(set.serve.trustedProxies.count, 3)
        XCTAssertTrue(set.serve.trustedProxies[2].contains("10.1.2.3"))
        XCTAssertFalse(set.serve.trustedProxies[2].contains("11.0.0.1"))
        assertDiagnostic(minimal + "\nserve:\n  trusted_proxies: [127.0.0.1, nginx.local]\n", code: "setting-invalid", line: 7,
                         message: "\"nginx.local\", which is not an IP address or range")
        assertDiagnostic(minimal + "\nserve:\n  trusted_proxies: [10.0.0.0/33]\n", code: "setting-invalid", line: 7, message: "10.0.0.0/33")
        assertDiagnostic(minimal + "\nserve:\n  trusted_proxy: [127.0.0.1]\n", code: "setting-unknown", line: 7, hint: "trusted_proxies")
    }

    func testSyntaxErrorNamesFileAndLine() {
        assertDiagnostic(minimal + "\nchecks:\n  max_html_bytes: [1, 2\n", code: "yaml-syntax", line: 8, message: "starts on line 7")
    }

    func testUnknownSettingIsAnErrorWithTheKnownOnes() {
        assertDiagnostic(minimal + "\nsendr: x\n", code: "setting-unknown", line: 6, hint: "known settings")
    }

    func testWrongTypeSaysWhatWasExpected() {
        assertDiagnostic(minimal + "\ntext: { width: wide }\n", code: "setting-type", line: 6, message: "a whole number")
    }

    func testMissingNameAndBadBaseURL() {
        assertDiagnostic("base_url: https://x.org/\nsender: {address: a@x.org}\n", code: "setting-missing", message: "`name`")
        assertDiagnostic(minimal.replacingOccurrences(of: "https://example.org/news", with: "example.org"),
                         code: "setting-invalid", line: 2)
        for base in ["https://example.org/news/?ref=mail", "https://example.org/news#top"] {
            assertDiagnostic(minimal.replacingOccurrences(of: "https://example.org/news", with: base),
                             code: "setting-invalid", line: 2, message: "query or fragment")
        }
    }

    func testListInsteadOfMapping() {
        assertDiagnostic("- a\n- b\n", code: "yaml-shape")
    }

    func testDuplicateKey() {
        assertDiagnostic(minimal + "\nname: again\n", code: "yaml-duplicate-key")
    }

    func testSecretInConfigIsReported() throws {
        let configuration = try Configuration(yaml: minimal + "\ndelivery: { via: \"smtp://user:hunter2@mail.example.org\" }\n")
        let findings = ProjectChecker(configuration: configuration).check()
        XCTAssertEqual(findings.map(\.code), ["secret-in-config"])
        XCTAssertEqual(findings.first?.location?.line, 6)
    }

    func testInvalidSenderAddressIsAnError() throws {
        let configuration = try Configuration(yaml: minimal.replacingOccurrences(of: "news@example.org", with: "news at example"))
        XCTAssertEqual(ProjectChecker(configuration: configuration).check().map(\.code), ["address"])
    }

    private func assertDiagnostic(_ yaml: String, code: String, line: Int? = nil, message: String? = nil, hint: String? = nil,
                                  file: StaticString = #filePath, testLine: UInt = #line) {
        do {
            _ = try Configuration(yaml: yaml)
            XCTFail("expected \(code)", file: file, line: testLine)
        } catch let error as DiagnosticError {
            guard let diagnostic = error.diagnostics.first else { return XCTFail("no diagnostic", file: file, line: testLine) }
            XCTAssertEqual(diagnostic.code, code, "\(diagnostic)", file: file, line: testLine)
            XCTAssertEqual(diagnostic.location?.path, "gazette.yml", file: file, line: testLine)
            if let line { XCTAssertEqual(diagnostic.location?.line, line, "\(diagnostic)", file: file, line: testLine) }
            if let message { XCTAssertTrue(diagnostic.message.contains(message), "\(diagnostic)", file: file, line: testLine) }
            if let hint { XCTAssertTrue(diagnostic.hint?.contains(hint) == true, "\(diagnostic)", file: file, line: testLine) }
        } catch {
            XCTFail("unexpected \(error)", file: file, line: testLine)
        }
    }
}
