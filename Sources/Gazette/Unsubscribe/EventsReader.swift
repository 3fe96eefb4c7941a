// Reads an events file back, line by line in 1 MiB chunks: unsubscribes, confirmed subscriptions and the
// engagement events of tracking (click, open). The one reader of these files: sync, `gazette report` and the A/B
// test all go through it. A torn last line (a crash mid-write) is ignored; any other unreadable line (garbage, an
// event without its fields) is reported with its file and number, never fatal, never silently dropped. Clicks and
// opens are parsed (EngagementEvent(line:)) only for a caller that takes them; sync passes them over unread.
import Foundation

/// The events of one `events/<date>.jsonl` file.
public struct EventsReader: Sendable {
    public struct Entry: Sendable {
        public var event: UnsubscribeEvent
        /// 1-based line number.
        public var line: Int
    }

    /// A confirmed subscription and its line.
    public struct Confirmation: Sendable {
        public var event: SubscribeConfirmedEvent
        public var line: Int
    }

    /// A click or an open and its line.
    public struct Engagement: Sendable {
        public var event: EngagementEvent
        public var line: Int
    }

    private struct Kind: Decodable { var event: String }
    private static let eventPattern = LogLineReader.keyPattern("event")

    public private(set) var entries: [Entry] = []
    public private(set) var confirmations: [Confirmation] = []
    public private(set) var problems: [Diagnostic] = []
    /// Click and open lines read whole and passed to the caller.
    public private(set) var engagementCount = 0

    /// Reads `url`; `path` names it in diagnostics. With `engagement`, each whole click and open is passed to
    /// it as it is read (a report's millions are never held) and an incomplete one is reported; without, they
    /// are passed over unread.
    public init(url: URL, path: String, engagement: ((Engagement) -> Void)? = nil) throws {
        guard FileManager.default.isReadableFile(atPath: url.path) else {
            throw DiagnosticError(.error("events-unreadable", "cannot read \(path)", at: SourceLocation(path: path),
                                         hint: "check that the file exists and can be read"))
        }
        let decoder = JSONDecoder()
        var entries: [Entry] = [], confirmations: [Confirmation] = [], problems: [Diagnostic] = [], count = 0
        func unreadable(_ message: String, _ number: Int, _ hint: String) {
            problems.append(.warning("events-line-unreadable", message, at: SourceLocation(path: path, line: number), hint: hint))
        }
        do {
            // Bytes after the last newline: a line torn by a crash, never acknowledged (the 200 follows the fsync).
            try LogLineReader.forEachLine(in: url) { line, number in
                guard !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) else { return }
                let kind = LogLineReader.stringValue(matching: Self.eventPattern, in: line) ?? (try? decoder.decode(Kind.self, from: Data(line)))?.event
                switch kind {
                case "click", "open":
                    guard let engagement else { return }
                    if let event = EngagementEvent(line: line) {
                        count += 1
                        engagement(Engagement(event: event, line: number))
                    } else {
                        unreadable("line \(number) is a \(kind ?? "") event without its issue, address, time or \(kind == "click" ? "url" : "machine flag")",
                                   number, "click and open events are written by `gazette serve`; check what else wrote here")
                    }
                case "unsubscribe":
                    if let event = try? decoder.decode(UnsubscribeEvent.self, from: Data(line)), !event.email.isEmpty {
                        entries.append(Entry(event: event, line: number))
                    } else {
                        unreadable("line \(number) is an unsubscribe without its address, list, channel or time", number,
                                   "events files are written by `gazette serve`; check what else wrote here")
                    }
                case SubscribeConfirmedEvent.type:
                    if let event = try? decoder.decode(SubscribeConfirmedEvent.self, from: Data(line)), !event.email.isEmpty, !event.list.isEmpty {
                        confirmations.append(Confirmation(event: event, line: number))
                    } else {
                        unreadable("line \(number) is a confirmed subscription without its address, list or time", number,
                                   "events files are written by `gazette serve`; check what else wrote here")
                    }
                default:
                    unreadable("line \(number) is not an event gazette knows", number,
                               "events files are written by `gazette serve`; check what else wrote here")
                }
            }
        } catch {
            throw DiagnosticError(.error("events-unreadable", "cannot read \(path): \(error.localizedDescription)",
                                         at: SourceLocation(path: path)))
        }
        self.entries = entries
        self.confirmations = confirmations
        self.problems = problems
        engagementCount = count
    }

    /// Reads every `events/*.jsonl` of `project` in name (date) order, passing each whole click and open with
    /// the file's project-relative path; returns what the files ran into. An unreadable file is one more problem.
    public static func forEachEngagement(in project: Project, _ body: (EngagementEvent, _ path: String, _ line: Int) -> Void) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        for file in SuppressionSync.files(in: project.url(EventsFile.directoryName), extension: "jsonl") {
            let path = project.relativePath(file)
            do {
                problems += try withoutActuallyEscaping(body) { body in
                    try EventsReader(url: file, path: path) { body($0.event, path, $0.line) }.problems
                }
            } catch let error as DiagnosticError {
                problems += error.diagnostics
            } catch {
                problems.append(.warning("events-unreadable", "cannot read \(path): \(error.localizedDescription)", at: SourceLocation(path: path)))
            }
        }
        return problems
    }
}
