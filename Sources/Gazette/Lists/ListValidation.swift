// `subscribers validate`: reads every list and the suppression list once, streaming, and reports each row that
// publish would skip (an error) or that is probably unwanted (a warning), as `file:line` with a hint.
import Foundation

/// Checks the subscriber lists of one project.
public struct ListValidation {
    /// What the lists hold and what is wrong with them.
    public struct Report: Sendable {
        public struct ListCount: Sendable {
            public var name: String
            public var path: String
            /// Rows read (header not counted), and those with a usable, distinct address.
            public var rows = 0, valid = 0
        }
        public var lists: [ListCount] = []
        public var suppressed = 0
        public var diagnostics: [Diagnostic] = []
        public var errors: Int { diagnostics.filter { $0.severity == .error }.count }
        public var warnings: Int { diagnostics.count - errors }
    }

    public let root: URL
    /// Rows handed over at a time from the reading thread to the one that finds duplicates; tests vary it.
    var batchSize = 2048
    /// Whether the lists are read and checked on a thread of their own while the calling thread finds the
    /// duplicates (about 60 % and 40 % of the work on a large list); tests compare it with one thread.
    var readsOnItsOwnThread = true

    public init(root: URL) { self.root = root }

    /// Validates `names` (every list when nil); with `mxCheck`, also whether each address's domain takes mail.
    public func run(lists names: [String]? = nil, mxCheck: ListMXCheck? = nil) throws -> Report {
        var report = Report()
        let suppression = try SuppressionList(root: root)
        report.suppressed = suppression.count
        report.diagnostics += suppression.problems
        let names = names ?? SubscriberList.names(root: root)
        var finder = ListDuplicateFinder()
        var valid = 0
        func handle(_ step: Step) throws {
            switch step {
            case .listStarted(let path, let expectedRows):
                finder.startList(path: path, expectedRows: expectedRows)
                valid = 0
            case .batch(let batch):
                valid += finder.finish(batch, mxCheck: mxCheck, into: &report.diagnostics)
            case .listFinished(var count, let problems):
                report.diagnostics += problems
                count.valid = valid
                report.lists.append(count)
            case .failed(let error):
                throw error
            }
        }
        guard readsOnItsOwnThread else {
            try Self.read(lists: names, root: root, batchSize: batchSize) { try handle($0) }
            return report
        }
        let channel = StepChannel()
        let root = root, batchSize = batchSize
        let reading = Thread {
            do {
                try Self.read(lists: names, root: root, batchSize: batchSize) { channel.put($0) }
            } catch {
                channel.put(.failed(error))
            }
            channel.finish()
        }
        reading.stackSize = 1 << 20
        reading.start()
        do {
            while let step = channel.take() { try handle(step) }
        } catch {
            channel.drain()  // the reader may wait for room: let it end
            throw error
        }
        return report
    }

    /// What the reading thread hands over, in the order of the lists and their rows.
    enum Step: Sendable {
        /// List number n (counted from 0 in `names`) starts; about `expectedRows` rows.
        case listStarted(path: String, expectedRows: Int)
        case batch(ListRowBatch)
        /// The list's rows are all read; `problems` are why it could not be read at all, if so.
        case listFinished(Report.ListCount, problems: [Diagnostic])
        case failed(any Error)
    }

    /// Reads and checks every row of `names`, handing each list's start, its rows in batches and its end to
    /// `emit`; throws when a list name is invalid or a file cannot be read.
    static func read(lists names: [String], root: URL, batchSize: Int, emit: (Step) throws -> Void) throws {
        var checker = ListRowChecker()
        for (index, name) in names.enumerated() {
            try ListTable.checkName(name)
            let list = SubscriberList(name: name, root: root)
            var count = Report.ListCount(name: list.name, path: list.path)
            let reader: SubscriberListReader
            do {
                reader = try list.open()
            } catch let error as DiagnosticError {
                try emit(.listStarted(path: list.path, expectedRows: 0))
                try emit(.listFinished(count, problems: error.diagnostics))
                continue
            }
            let size = (try? FileManager.default.attributesOfItem(atPath: list.url.path)[.size] as? Int) ?? 0
            try emit(.listStarted(path: list.path, expectedRows: size / 64))
            checker.startList(index: index, dateColumn: reader.columns.firstIndex(of: "subscribed_at"))
            var batch = ListRowBatch()
            while let row = try reader.nextRaw() {
                count.rows += 1
                switch row {
                case .problem(let diagnostic):
                    batch.diagnostics.append(diagnostic)
                case .record(let record, let email):
                    checker.check(record, email: email, location: { reader.location(record) }, into: &batch)
                }
                if batch.rows.count >= batchSize {
                    try emit(.batch(batch))
                    batch = ListRowBatch()
                    batch.rows.reserveCapacity(batchSize)
                }
            }
            try emit(.batch(batch))
            try emit(.listFinished(count, problems: []))
        }
    }
}

/// A bounded queue of steps from the reading thread to the calling one: the reader waits when a few batches
/// are waiting already, so memory stays bounded whatever the list's size.
private final class StepChannel: @unchecked Sendable {
    // @unchecked: `steps` and `finished` are read and written only with `condition` locked.
    private let condition = NSCondition()
    private var steps: [ListValidation.Step] = []
    private var finished = false, draining = false
    private let capacity = 4

    func put(_ step: ListValidation.Step) {
        condition.lock()
        defer { condition.unlock() }
        while steps.count >= capacity && !draining { condition.wait() }
        guard !draining else { return }
        steps.append(step)
        condition.broadcast()
    }

    func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next step, waiting for it; nil once the reader finished and every step was taken.
    func take() -> ListValidation.Step? {
        condition.lock()
        defer { condition.unlock() }
        while steps.isEmpty && !finished { condition.wait() }
        guard !steps.isEmpty else { return nil }
        condition.broadcast()
        return steps.removeFirst()
    }

    /// Drops what is waiting and what the reader still puts.
    func drain() {
        condition.lock()
        draining = true
        steps.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}
