// The recipients of an issue: its lists minus the suppression list, deduplicated by address key, optionally one
// shard and without those an earlier run finished. Names and checks the lists; AudienceReader streams the rows.
import Foundation

/// Who an issue goes to, described; `read(skipping:)` or `forEach(skipping:_:)` go through the rows.
public struct Audience: Sendable {
    /// The lists in the order given (an address's first row wins), each once.
    public let lists: [SubscriberList]
    public let suppressionURL: URL
    public let suppressionPath: String
    /// The project folder, whose lock appends to the suppression list take.
    public let root: URL
    /// The part of the audience this run sends to.
    public var shard: Shard
    /// Who of the lists' subscribers is in it (the issue's `audience:`); everybody by default.
    public var segment = Segment()
    /// Makes a digester for each list file (SHA-256 in the publish layer); without one no digest is recorded.
    public var digester: (@Sendable () -> any ContentDigester)?
    /// Small in tests, to prove that chunk boundaries change nothing.
    var chunkSize = CSVReader.defaultChunkSize

    /// The audience of the lists `names` (nil: every list in `subscribers/`) of the project at `root`.
    ///
    /// `files` reads a list from another file than `subscribers/<name>.csv` (a frozen copy beside a publish
    /// log); then `names` must be its keys. `origin` is where the names come from (the issue), for diagnostics.
    public init(
        root: URL, lists names: [String]?, files: [String: URL]? = nil, origin: SourceLocation? = nil,
        shard: Shard = .all, digester: (@Sendable () -> any ContentDigester)? = nil
    ) throws {
        let known = files.map { Array($0.keys).sorted() } ?? SubscriberList.names(root: root)
        let wanted = try Self.resolve(names, known: known, origin: origin)
        lists = wanted.map { name in
            guard let url = files?[name] else { return SubscriberList(name: name, root: root) }
            return SubscriberList(name: name, url: url, path: Project.relativePath(url, from: root.standardizedFileURL))
        }
        suppressionPath = "\(Project.subscribersDirectory)/\(SubscriberList.suppressionFileName)"
        suppressionURL = root.appendingPathComponent(suppressionPath)
        self.root = root
        self.shard = shard
        self.digester = digester
    }

    /// The audience of the lists `names` (nil: all) of `project`.
    public init(
        project: Project, lists names: [String]?, files: [String: URL]? = nil, origin: SourceLocation? = nil,
        shard: Shard = .all, digester: (@Sendable () -> any ContentDigester)? = nil
    ) throws {
        try self.init(root: project.root, lists: names, files: files, origin: origin, shard: shard, digester: digester)
    }

    /// Every list of `project`, sorted; an error when there is none.
    public static func allListNames(in project: Project) throws -> [String] {
        try resolve(nil, known: SubscriberList.names(root: project.root), origin: nil)
    }

    /// Loads the suppression list and opens every list file, checking each header before any row is given out.
    /// `skipping` gets the `AddressKey.hash64` of each new address of the shard that is not suppressed.
    public func read(skipping: ((UInt64) -> Bool)? = nil) throws -> AudienceReader {
        let suppression = try SuppressionList(url: suppressionURL, path: suppressionPath, projectRoot: root)
        return try AudienceReader(audience: self, suppression: suppression, skip: skipping)
    }

    /// Gives every entry to `body` in order; returns the finished reader, with its counts and files.
    @discardableResult
    public func forEach(skipping: ((UInt64) -> Bool)? = nil, _ body: (AudienceEntry) throws -> Void) throws -> AudienceReader {
        let reader = try read(skipping: skipping)
        while let entry = try reader.next() { try body(entry) }
        return reader
    }

    /// The first recipient (`--test-to` fills the fields from it), or nil when there is none.
    public func firstRecipient() throws -> Subscriber? {
        let reader = try read()
        while let entry = try reader.next() {
            if case .recipient(let subscriber) = entry { return subscriber }
        }
        return nil
    }

    /// About how many rows the lists hold (line breaks less headers), for a progress bar; cheap to read.
    public var estimatedRows: Int {
        lists.reduce(0) { total, list in total + max(0, ((try? ListFileScan.lineBreaks(in: list.url)) ?? 0) - 1) }
    }

    /// Size and digest of every list file, read in chunks without parsing, in constant memory.
    public func fingerprint() throws -> [AudienceFile] {
        try lists.map { list in
            let digest = digester?()
            let size = try ListFileScan.forEachChunk(of: list.url, path: list.path) { digest?.update($0) }
            return AudienceFile(list: list.name, path: list.path, size: size, contentDigest: digest?.finalize())
        }
    }

    /// The list names to read, in order and each once, or the diagnostic for a name that is no list.
    private static func resolve(_ names: [String]?, known: [String], origin: SourceLocation?) throws -> [String] {
        let knownText = known.isEmpty ? "there are no lists yet" : "known lists: \(known.joined(separator: ", "))"
        guard let names else {
            guard !known.isEmpty else {
                throw DiagnosticError(.error(
                    "list-none", "there are no subscriber lists in \(Project.subscribersDirectory)/", at: origin,
                    hint: "create \(Project.subscribersDirectory)/main.csv with a header row such as `email,name`"))
            }
            return known
        }
        guard !names.isEmpty else {
            throw DiagnosticError(.error("list-none", "the issue's `lists:` is empty, so it goes to nobody", at: origin,
                                         hint: "name at least one list, or leave `lists:` out to send to every list (\(knownText))"))
        }
        var seen = Set<String>(), result: [String] = []
        for raw in names {
            let name = raw.hasSuffix(".csv") ? String(raw.dropLast(4)) : raw
            guard known.contains(name) else {
                let isSuppression = name + ".csv" == SubscriberList.suppressionFileName
                throw DiagnosticError(.error(
                    "list-unknown",
                    isSuppression ? "\"\(raw)\" is the suppression list, not a list to send to"
                        : "there is no subscriber list \"\(raw)\" (no \(Project.subscribersDirectory)/\(name).csv)",
                    at: origin, hint: knownText))
            }
            if seen.insert(name).inserted { result.append(name) }
        }
        return result
    }
}
