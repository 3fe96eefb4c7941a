// The publish logs of one issue as they lie in logs/: `<slug>.jsonl` for a whole-list publish, or
// `<slug>.shard-K-of-N.jsonl` for each part of a sharded one. Says whether each log is finished.
import Foundation

/// How an issue's audience was split when its publish began.
public enum PublishLayout: Hashable, Sendable, CustomStringConvertible {
    /// One job, one log.
    case whole
    /// N jobs (`--shard K/N`), a log each.
    case shards(Int)

    /// The layout of a job that publishes `shard` (nil or 1/1: the whole list).
    public init(_ shard: Shard?) {
        if let shard, shard.count > 1 { self = .shards(shard.count) } else { self = .whole }
    }

    public var description: String {
        switch self {
        case .whole: "the whole list in one job"
        case .shards(let count): "\(count) shards"
        }
    }
}

/// One issue's logs, read.
public struct PublishLogSet: Sendable {
    /// The whole-list log, if there is one.
    public var whole: PublishLogState?
    /// Shard logs by shard count, then by 1-based index.
    public var shards: [Int: [Int: PublishLogState]] = [:]

    public init() {}

    public var isEmpty: Bool { whole == nil && shards.isEmpty }

    /// The layouts that have at least one log.
    public var layouts: [PublishLayout] {
        (whole == nil ? [] : [.whole]) + shards.keys.sorted().map { .shards($0) }
    }

    /// The log of `shard`'s part in its layout (the whole-list log for nil or 1/1).
    public func log(for shard: Shard?) -> PublishLogState? {
        switch PublishLayout(shard) {
        case .whole: whole
        case .shards(let count): shard.flatMap { shards[count]?[$0.index] }
        }
    }

    /// Why the parts of `layout` are not all finished, one entry per part left; empty when all are done.
    public func unfinishedParts(of layout: PublishLayout) -> [String] {
        switch layout {
        case .whole:
            return whole.map { Self.unfinishedReason($0).map { [$0] } ?? [] } ?? ["not begun"]
        case .shards(let count):
            return (1...count).compactMap { index in
                guard let state = shards[count]?[index] else { return "shard \(index)/\(count): not begun" }
                return Self.unfinishedReason(state).map { "shard \(index)/\(count): \($0)" }
            }
        }
    }

    /// Why a begun log is not finished, or nil when every recipient of it is in a final state.
    public static func unfinishedReason(_ state: PublishLogState) -> String? {
        if state.runs == 0 || state.lastRunOpen { return "the last run was cut off before it ended" }
        if state.lastRunSummary?["interrupted"] == 1 { return "the last run was interrupted" }
        let counts = state.counts
        var left: [String] = []
        if let deferred = counts[.deferred], deferred > 0 { left.append("\(deferred) deferred") }
        if let uncertain = counts[.uncertain], uncertain > 0 { left.append("\(uncertain) uncertain") }
        if let notAttempted = state.lastRunSummary?["not_attempted"], notAttempted > 0 {
            left.append("\(notAttempted) not attempted")
        }
        // An A/B test is published only when its winner phase has gone through the rest.
        if state.header?.subjects != nil, !state.abWinnerFinished {
            left.append(state.abWinner == nil ? "the rest (waiting for the A/B winner)" : "the rest (A/B winner \(state.abWinner ?? ""))")
        }
        return left.isEmpty ? nil : left.joined(separator: ", ") + " left"
    }

    /// Reads every publish log in `logs`, by issue slug. Names that are not logs are left alone.
    public static func scan(_ logs: URL) throws -> [String: PublishLogSet] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: logs.path)) ?? []
        var sets: [String: PublishLogSet] = [:]
        for name in names.sorted() where PublishLog.isPublishLog(fileName: name) {
            let stem = String(name.dropLast(".jsonl".count))
            let state = try PublishLogState(reading: logs.appendingPathComponent(name), keepSentTimes: false)
            if let (slug, shard) = shardStem(stem) {
                sets[slug, default: PublishLogSet()].shards[shard.count, default: [:]][shard.index] = state
            } else {
                sets[stem, default: PublishLogSet()].whole = state
            }
        }
        return sets
    }

    /// The publish logs of the issue `slug` in `logs` (its whole-list log and every shard's), sorted by name.
    public static func files(ofIssue slug: String, in logs: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: logs.path)) ?? []
        return names.sorted().filter { name in
            guard PublishLog.isPublishLog(fileName: name) else { return false }
            let stem = String(name.dropLast(".jsonl".count))
            return (shardStem(stem)?.0 ?? stem) == slug
        }.map { logs.appendingPathComponent($0) }
    }

    /// `launch.shard-2-of-4` → ("launch", 2/4); nil for a whole-list stem. Slugs have no dots, so the split is sure.
    static func shardStem(_ stem: String) -> (String, Shard)? {
        guard let dot = stem.firstIndex(of: ".") else { return nil }
        let rest = stem[stem.index(after: dot)...]
        guard rest.hasPrefix("shard-") else { return nil }
        let parts = rest.dropFirst("shard-".count).components(separatedBy: "-of-")
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]),
              let shard = Shard(index: index, count: count) else { return nil }
        return (String(stem[..<dot]), shard)
    }
}
