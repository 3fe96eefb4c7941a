// The `tags` column: values separated by `;`, trimmed, kept unique in their first order.

/// Reading and merging `tags` cells.
public enum ListTags {
    /// The tags of a cell.
    public static func split(_ cell: String) -> [String] {
        cell.split(separator: ";").map { SubscriberListReader.trimmed(String($0)) }.filter { !$0.isEmpty }
    }

    /// `cell`'s tags followed by the new ones it lacks, as a cell.
    public static func merge(_ cell: String, _ added: [String]) -> String {
        var tags = split(cell)
        for tag in added.flatMap(split) where !tags.contains(tag) { tags.append(tag) }
        return tags.joined(separator: ";")
    }
}
