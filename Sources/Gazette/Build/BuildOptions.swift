// What `gazette build` and `gazette check` are asked to do.

/// Options of a build.
public struct BuildOptions: Sendable {
    /// Build issues marked `draft: true` too.
    public var includeDrafts = false
    /// Unknown template variables are errors instead of warnings.
    public var strict = false
    /// Only these issues (numbers, slugs, file names or paths); all when empty.
    public var issueReferences: [String] = []

    public init(includeDrafts: Bool = false, strict: Bool = false, issueReferences: [String] = []) {
        self.includeDrafts = includeDrafts
        self.strict = strict
        self.issueReferences = issueReferences
    }
}
