// A bounded queue between the thread that reads the audience and the worker threads that send:
// reading stays ahead by a little, memory stays flat however long the list.
import Foundation

/// A blocking first-in first-out queue with a capacity.
///
/// Only one kind of thread ever waits at a time: takers when the queue is empty, the putter when it is full.
/// So each put or take wakes at most one waiter with `signal()`; waking everyone on every change showed up as
/// lock churn and context switches in the publish profile.
final class WorkQueue<Item>: @unchecked Sendable {
    private var items: [Item] = []
    private var head = 0
    private let capacity: Int
    private let condition = NSCondition()
    private var closed = false

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Waits for room, then adds `item`; returns false when the queue was closed.
    @discardableResult
    func put(_ item: Item) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count - head >= capacity && !closed { condition.wait() }
        guard !closed else { return false }
        items.append(item)
        condition.signal()  // a taker, if one waits
        return true
    }

    /// Waits for an item; nil once the queue is closed and empty.
    func take() -> Item? {
        condition.lock()
        defer { condition.unlock() }
        while head == items.count && !closed { condition.wait() }
        guard head < items.count else { return nil }
        let wasFull = items.count - head >= capacity
        let item = items[head]
        head += 1
        if head > 1024 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        if wasFull { condition.signal() }  // the putter, waiting for room
        return item
    }

    /// No more items will come; takers drain what is left.
    func finish() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Drops what is waiting (after a stop signal): those recipients are simply not attempted this run.
    func discardPending() -> Int {
        condition.lock()
        defer { condition.unlock() }
        let dropped = items.count - head
        items.removeAll()
        head = 0
        closed = true
        condition.broadcast()
        return dropped
    }
}
