// DKIM that cannot be forgotten: a key without a `dkim:` block, or a block without a key, stops a real send
// and warns for the outbox; a real send without DKIM at all warns that Gmail and Yahoo require it.
import Foundation
import GazetteTestSupport
import XCTest
@testable import Gazette

final class PublishDKIMTests: XCTestCase {
    var directory: TemporaryDirectory!
    var keyFile: URL!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory("dkim-publish")
        addTeardownBlock { [directory] in directory?.remove() }
        try directory.copy(from: TestPaths.fixtures.appendingPathComponent("projects/minimal"))
        try directory.write("email,name\nada@example.org,Ada\n", to: "subscribers/main.csv")
        keyFile = directory.url.appendingPathComponent("dkim.pem")
        let generated = try PythonTools.runTool("openssl", arguments: ["genpkey", "-algorithm", "ed25519", "-out", keyFile.path])
        XCTAssertEqual(generated.status, 0, generated.stderr)
    }

    /// Runs a publish (nothing listens on the relay's port: a real send fails once it tries to connect),
    /// returning the plan's warnings and the error, if any.
    func publish(via: String, dkimBlock: Bool, key: Bool) throws -> (warnings: [Diagnostic], error: DiagnosticError?) {
        if dkimBlock {
            try directory.write(try directory.read("gazette.yml") + "dkim: { domain: fixture.example.org, selector: gazette }\n",
                                to: "gazette.yml")
        }
        let project = try Project(root: directory.url)
        var options = PublishOptions(issue: "1")
        options.environment = ["GAZETTE_UNSUBSCRIBE_SECRET": "s"]
        if key { options.environment["GAZETTE_DKIM_KEY_FILE"] = keyFile.path }
        options.via = via
        let box = WarningBox()
        do {
            _ = try Publisher(project: project, options: options) { via in
                try Transports.make(via: via, configuration: project.configuration, caFile: nil, environment: [:], projectRoot: project.root)
            }.run(onPlan: { box.warnings = $0.warnings })
            return (box.warnings, nil)
        } catch let error as DiagnosticError {
            return (box.warnings, error)
        }
    }

    final class WarningBox: @unchecked Sendable { var warnings: [Diagnostic] = [] }

    func relay() throws -> String { "smtp://127.0.0.1:\(try ServerProcess.freePort())?tls=none" }

    func testAKeyWithoutADKIMBlockStopsARealSend() throws {
        let result = try publish(via: try relay(), dkimBlock: false, key: true)
        let error = try XCTUnwrap(result.error)
        XCTAssertEqual(error.diagnostics.first?.code, "dkim-unconfigured")
        XCTAssertTrue(error.diagnostics.first?.message.contains("GAZETTE_DKIM_KEY_FILE") == true)
        XCTAssertEqual(error.diagnostics.first?.location?.path, "gazette.yml")
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("logs/hello.jsonl").path),
                       "stopped before anything was logged or sent")
    }

    func testAKeyWithoutADKIMBlockWarnsForTheOutbox() throws {
        let result = try publish(via: "outbox:outbox", dkimBlock: false, key: true)
        XCTAssertNil(result.error)
        XCTAssertEqual(result.warnings.map(\.code), ["dkim-unconfigured"])
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.url.appendingPathComponent("outbox/new").path)
        XCTAssertEqual(files.count, 1)
    }

    func testADKIMBlockWithoutAKeyStopsARealSendAndWarnsForTheOutbox() throws {
        let real = try publish(via: try relay(), dkimBlock: true, key: false)
        XCTAssertEqual(real.error?.diagnostics.first?.code, "dkim-key")
        XCTAssertEqual(real.error?.diagnostics.first?.location?.line, 11, "the line of `dkim:` in gazette.yml")
        let outbox = try publish(via: "outbox:outbox", dkimBlock: false, key: false)  // the block is already there
        XCTAssertNil(outbox.error)
        XCTAssertEqual(outbox.warnings.map(\.code), ["dkim-key"])
        let message = try String(contentsOf: try XCTUnwrap(try FileManager.default.contentsOfDirectory(
            at: directory.url.appendingPathComponent("outbox/new"), includingPropertiesForKeys: nil).first), encoding: .utf8)
        XCTAssertFalse(message.contains("DKIM-Signature:"), "sent unsigned, as the warning says")
    }

    func testARealSendWithoutDKIMWarnsAboutGmailAndYahoo() throws {
        let result = try publish(via: try relay(), dkimBlock: false, key: false)
        XCTAssertEqual(result.warnings.map(\.code), ["dkim-missing"])
        XCTAssertTrue(result.warnings.first?.message.contains("Gmail and Yahoo") == true)
        XCTAssertEqual(result.error?.diagnostics.first?.code, "relay-unavailable", "then the closed port stops it")
        let outbox = try publish(via: "outbox:outbox", dkimBlock: false, key: false)
        XCTAssertEqual(outbox.warnings, [], "an outbox run sends nothing, so nothing to warn about")
    }

    func testWithBlockAndKeyThereIsNoWarning() throws {
        let result = try publish(via: "outbox:outbox", dkimBlock: true, key: true)
        XCTAssertNil(result.error)
        XCTAssertEqual(result.warnings, [])
    }
}
