// A quick throughput measurement of quoted-printable, message building and signing, run on demand:
// GAZETTE_BENCH=1 swift test -c release --filter MailBenchmarkTests (skipped otherwise).
import Foundation
import GazetteTestSupport
import Mail
import XCTest

final class MailBenchmarkTests: XCTestCase {
    override func setUpWithError() throws {
        guard ProcessInfo.processInfo.environment["GAZETTE_BENCH"] == "1" else {
            throw XCTSkip("benchmark: set GAZETTE_BENCH=1 and use a release build")
        }
    }

    /// A newsletter-sized HTML body (about 30 KB, inlined styles, some non-ASCII) and its text (about 6 KB).
    static let html = "<!doctype html><html><body style=\"margin:0;padding:0;background:#f4f4f4\">"
        + String(repeating: "<p style=\"font-family:Georgia,serif;font-size:16px;line-height:1.5;color:#222222;margin:0 0 16px\">"
            + "Café culture is back — this week we look at <a href=\"https://example.org/articles/cafe?utm_source=gazette&amp;utm_medium=email\" "
            + "style=\"color:#0645ad;text-decoration:underline\">the ‘third place’</a> and why it matters.</p>\n", count: 80)
        + "</body></html>\n"
    static let text = String(repeating: "Café culture is back — this week we look at the ‘third place’ and why it matters.\n"
        + "Read more: https://example.org/articles/cafe\n\n", count: 45)

    private func measure(_ name: String, iterations: Int, _ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<iterations { try body() }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let perSecond = Double(iterations) / seconds
        print("benchmark: \(name): \(String(format: "%.1f", seconds / Double(iterations) * 1e6)) µs each, "
            + "\(Int(perSecond))/s")
        return perSecond
    }

    func testThroughput() throws {
        let htmlBytes = Array(Self.html.utf8), textBytes = Array(Self.text.utf8)
        print("benchmark: html \(htmlBytes.count) bytes, text \(textBytes.count) bytes")
        var sink = 0
        let qpRate = measure("quoted-printable of html+text", iterations: 5000) {
            sink &+= QuotedPrintable.encode(htmlBytes).count + QuotedPrintable.encode(textBytes).count
        }
        print("benchmark: quoted-printable \(String(format: "%.0f", qpRate * Double(htmlBytes.count + textBytes.count) / 1e6)) MB/s")

        // Templates with the recipient's name at the top and the unsubscribe URL at the bottom.
        let htmlChunks = ("<p>Hello HOLE,</p>\n" + Self.html + "<p><a href=\"HOLE\">Unsubscribe</a></p>\n")
            .components(separatedBy: "HOLE").map { Array($0.utf8) }
        let textChunks = ("Hello HOLE,\n\n" + Self.text + "Unsubscribe: HOLE\n").components(separatedBy: "HOLE").map { Array($0.utf8) }
        let htmlTemplate = QuotedPrintableTemplate(chunks: htmlChunks)
        let textTemplate = QuotedPrintableTemplate(chunks: textChunks)
        let writer = try MIMEWriter(
            from: Mailbox("news@example.org", displayName: "Gazette"), subject: "Issue 12: Café culture",
            listID: ListID(identifier: "weekly.example.org", name: "Gazette Weekly"), boundary: "=_bench")
        let date = Date()
        var counter = 0
        func build() throws -> [UInt8] {
            counter += 1
            let name = Array("Ada \(counter)".utf8)
            let url = Array("https://example.org/u/\(counter)?t=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG".utf8)
            let html = EncodedBody(quotedPrintable: htmlTemplate.encode(values: [name, url]))
            let text = EncodedBody(quotedPrintable: textTemplate.encode(values: [name, url]))
            return try writer.render(
                to: [Mailbox("reader\(counter)@example.net", displayName: "Ada Lovelace")],
                messageID: MessageID(seed: "12/\(counter)", domain: "example.org"), date: date,
                listUnsubscribe: ListUnsubscribe(url: "https://example.org/u/\(counter)", mailto: "mailto:u@example.org"),
                text: text, html: html)
        }
        _ = try measure("message build from QP templates", iterations: 5000) { sink &+= try build().count }
        _ = try measure("message build encoding whole bodies", iterations: 3000) {
            counter += 1
            sink &+= try writer.render(
                to: [Mailbox("reader\(counter)@example.net")], messageID: MessageID("\(counter)@example.org"),
                date: date, text: Self.text, html: Self.html).count
        }

        let message = try build()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gazette-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, arguments) in [("ed25519", ["-algorithm", "ed25519"]), ("rsa-2048", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"])] {
            let file = directory.appendingPathComponent("\(name).pem")
            _ = try PythonTools.runTool("openssl", arguments: ["genpkey"] + arguments + ["-out", file.path])
            let signer = try DKIMSigner(
                key: SigningKey(pem: String(contentsOf: file, encoding: .utf8), source: name), domain: "example.org",
                selector: "bench")
            _ = try measure("DKIM \(name) sign, one thread", iterations: name == "ed25519" ? 5000 : 500) {
                sink &+= try signer.signatureField(for: message).count
            }
            let cores = ProcessInfo.processInfo.activeProcessorCount
            let perThread = name == "ed25519" ? 3000 : 300
            let start = DispatchTime.now().uptimeNanoseconds
            DispatchQueue.concurrentPerform(iterations: cores) { _ in
                for _ in 0..<perThread { _ = try? signer.signatureField(for: message) }
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            print("benchmark: DKIM \(name) sign, \(cores) threads: \(Int(Double(cores * perThread) / seconds))/s")
        }
        XCTAssertGreaterThan(sink, 0)
    }
}
