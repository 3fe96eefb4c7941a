// What the preview watches, as one value: the size, modification time and inode of every file that a build
// reads (gazette.yml, content/, templates/, subscribers/). Two fingerprints compared give the changed paths.
import Foundation

/// The state of a project's source files at one moment.
public struct ProjectFingerprint: Sendable, Equatable {
    /// A file's identity as `stat` reports it: an edit, a replace by rename, or a touch changes it.
    struct Stamp: Sendable, Equatable {
        var size: Int64
        var modified: Int64
        var inode: UInt64
    }

    /// Folders whose files are read by a build, relative to the project root.
    static let watchedDirectories = [Project.contentDirectory, TemplateSet.directory, Project.subscribersDirectory]
    /// A scan stops after this many files, so a project folder that holds something huge stays cheap to watch.
    static let fileLimit = 20_000

    private(set) var stamps: [String: Stamp] = [:]

    /// Scans the project at `root` now.
    public init(root: URL) {
        record(root.appendingPathComponent(Configuration.fileName).path, as: Configuration.fileName)
        scan(root: root, directories: Self.watchedDirectories)
    }

    /// Scans only `directories` of the project at `root` (`gazette serve` watches templates/ alone).
    init(root: URL, directories: [String]) {
        scan(root: root, directories: directories)
    }

    private mutating func scan(root: URL, directories: [String]) {
        for directory in directories {
            let base = root.appendingPathComponent(directory)
            guard let walker = FileManager.default.enumerator(atPath: base.path) else { continue }
            while let relative = walker.nextObject() as? String, stamps.count < Self.fileLimit {
                // Editors' swap and backup files (.x.swp, x~, .#x) come and go while typing: they change nothing.
                let name = (relative as NSString).lastPathComponent
                if name.hasPrefix(".") || name.hasSuffix("~") {
                    if walker.fileAttributes?[.type] as? FileAttributeType == .typeDirectory { walker.skipDescendants() }
                    continue
                }
                record(base.appendingPathComponent(relative).path, as: "\(directory)/\(relative)")
            }
        }
    }

    private mutating func record(_ path: String, as relative: String) {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return }
        stamps[relative] = Stamp(size: Int64(info.st_size),
                                 modified: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
                                 inode: UInt64(info.st_ino))
    }

    /// Project-relative paths added, removed or changed since `earlier`, sorted.
    public func changes(since earlier: ProjectFingerprint) -> [String] {
        var changed: [String] = []
        for (path, stamp) in stamps where earlier.stamps[path] != stamp { changed.append(path) }
        for path in earlier.stamps.keys where stamps[path] == nil { changed.append(path) }
        return changed.sorted()
    }
}
