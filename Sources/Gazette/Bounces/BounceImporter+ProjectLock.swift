// `bounces import` under the project lock (ProjectLock): what it appends to suppressed.csv is decided from the
// file as it is read, so another import, a sync or a list edit must not change it in between.
import Foundation

extension BounceImporter {
    /// `run(paths:currentDirectory:)` holding the project lock; a dry run writes nothing and takes no lock.
    public func runHoldingProjectLock(paths: [String], currentDirectory: URL) throws -> Result {
        guard !options.dryRun else { return try run(paths: paths, currentDirectory: currentDirectory) }
        return try ProjectLock.withLock(root: project.root, activity: "`gazette bounces import`") {
            try run(paths: paths, currentDirectory: currentDirectory)
        }
    }
}
