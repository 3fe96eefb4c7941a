// One subscriber row of a list: the address, every column as a template field, and where the row is.

/// A subscriber as a list file holds it.
public struct Subscriber: Sendable, Hashable {
    /// The address, trimmed of surrounding white space; validated later, when a message is made.
    public var email: String
    /// Column name → value for every named column, `email` included: `{{subscriber.name}}` in templates.
    public var fields: [String: String]
    /// The list file (project-relative) and the line where the row starts.
    public var location: SourceLocation
    /// The address's comparison key.
    public var key: AddressKey

    public init(email: String, fields: [String: String] = [:], location: SourceLocation) {
        self.email = email
        var fields = fields
        fields["email"] = email
        self.fields = fields
        self.location = location
        key = AddressKey(email)
    }

    /// For list readers: `fields` holds `email` already.
    init(email: String, completeFields fields: [String: String], location: SourceLocation) {
        self.email = email
        self.fields = fields
        self.location = location
        key = AddressKey(email)
    }
}
