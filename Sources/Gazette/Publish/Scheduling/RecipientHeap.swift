// A binary min-heap of recipients by their not-before time: the scheduler's deferred ones.
import Foundation

struct RecipientHeap: Sendable {
    private var items: [ScheduledRecipient] = []

    var count: Int { items.count }
    var isEmpty: Bool { items.isEmpty }
    /// The recipient due first.
    var first: ScheduledRecipient? { items.first }

    mutating func insert(_ item: ScheduledRecipient) {
        items.append(item)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child].notBefore < items[parent].notBefore else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func removeFirst() -> ScheduledRecipient? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let first = items.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < items.count && items[left].notBefore < items[smallest].notBefore { smallest = left }
            if right < items.count && items[right].notBefore < items[smallest].notBefore { smallest = right }
            guard smallest != parent else { break }
            items.swapAt(parent, smallest)
            parent = smallest
        }
        return first
    }

    /// Empties the heap, returning what it held.
    mutating func removeAll() -> [ScheduledRecipient] {
        defer { items.removeAll() }
        return items
    }
}
