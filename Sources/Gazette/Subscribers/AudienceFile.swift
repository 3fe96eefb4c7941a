// A list file as the audience read it: the publish log records these to freeze the audience of an issue.

/// One list file of an audience, after it was read to the end.
public struct AudienceFile: Sendable, Hashable, Codable {
    /// The list's name (`main`).
    public var list: String
    /// Project-relative path (`subscribers/main.csv`).
    public var path: String
    /// Bytes read.
    public var size: Int
    /// The digester's result over every byte read (hex SHA-256); nil when no digester was given.
    public var contentDigest: String?

    public init(list: String, path: String, size: Int, contentDigest: String?) {
        self.list = list
        self.path = path
        self.size = size
        self.contentDigest = contentDigest
    }
}
