// The click and open events `gazette serve` appends to events/<date>.jsonl, read for one issue: the one
// place the A/B test (its `auto` winner and the report's per-arm rates) reads engagement. Other lines
// (unsubscribes, confirmations) are passed over; unreadable click/open lines and garbage are counted, not fatal.
import Foundation

/// A click or an open of an issue by a recipient.
public struct ABEngagementLine: Sendable, Decodable, Equatable {
    public enum Kind: String, Sendable, Decodable { case click, open }

    public var email: String
    public var event: Kind
    public var issue: String
    public var time: String?
    public var url: String?
    /// An open by a mail client's privacy proxy (Apple Mail Privacy Protection), not by a person.
    public var machine: Bool?

    /// What reading the events files found besides the events.
    public struct Reading: Sendable {
        /// Click and open lines of any issue read.
        public var events = 0
        /// Lines that are neither JSON objects with an `event` nor events of another kind; per file, the first line.
        public var skipped = 0
        public var problems: [Diagnostic] = []
    }

    private struct Kindless: Decodable { var event: String? }

    init(email: String, event: Kind, issue: String, time: String? = nil, url: String? = nil, machine: Bool? = nil) {
        self.email = email
        self.event = event
        self.issue = issue
        self.time = time
        self.url = url
        self.machine = machine
    }

    /// Calls `body` with every click and open of `issue` (its slug) in `events/*.jsonl` of `project`, file by
    /// file in name (date) order. A torn last line of a file is ignored.
    @discardableResult
    public static func forEach(in project: Project, issue: String, _ body: (ABEngagementLine) -> Void) -> Reading {
        var reading = Reading()
        let folder = project.url(EventsFile.directoryName)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".jsonl") }.sorted()
        let decoder = JSONDecoder()
        let issuePattern = LogLineReader.keyPattern("issue"), eventPattern = LogLineReader.keyPattern("event")
        let emailPattern = LogLineReader.keyPattern("email"), machineTrue = Array("\"machine\":true".utf8)
        for name in names {
            let url = folder.appendingPathComponent(name)
            var skippedHere: [Int] = []
            _ = try? LogLineReader.forEachLine(in: url) { line, number in
                guard !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) else { return }
                // Most lines are another issue's, or not engagement at all: byte scans sort them out before decoding.
                var type = LogLineReader.stringValue(matching: eventPattern, in: line)
                if type == nil {
                    guard let kind = try? decoder.decode(Kindless.self, from: Data(line)), let named = kind.event else {
                        skippedHere.append(number)
                        return
                    }
                    type = named
                }
                guard type == "click" || type == "open" else { return }
                if let other = LogLineReader.stringValue(matching: issuePattern, in: line), other != issue {
                    reading.events += 1
                    return
                }
                // `gazette serve` writes flat lines with sorted keys: read by byte scans, decoded only when that fails.
                let scanned = LogLineReader.stringValue(matching: emailPattern, in: line).map { email in
                    ABEngagementLine(email: email, event: type == "click" ? .click : .open,
                                    issue: LogLineReader.stringValue(matching: issuePattern, in: line) ?? "",
                                    machine: LogLineReader.find(machineTrue, in: line) != nil)
                }
                guard let event = scanned.flatMap({ $0.issue.isEmpty ? nil : $0 }) ?? (try? decoder.decode(ABEngagementLine.self, from: Data(line))),
                      !event.email.isEmpty else {
                    skippedHere.append(number)
                    return
                }
                reading.events += 1
                if event.issue == issue { body(event) }
            }
            if let first = skippedHere.first {
                reading.skipped += skippedHere.count
                reading.problems.append(.warning(
                    "events-line-unreadable", "\(skippedHere.count) line(s) are not events (line \(first)\(skippedHere.count > 1 ? ", …" : "")); skipped",
                    at: SourceLocation(path: "\(EventsFile.directoryName)/\(name)", line: first),
                    hint: "events files are written by `gazette serve`; check what else wrote here"))
            }
        }
        return reading
    }
}
