// The sessions one worker keeps open to MX hosts, so the next recipient of a domain rides the same
// connection (RSET between transactions): a small least-recently-used list, closing the oldest.

/// Open sessions by "host|address"; used by one thread.
final class MXSessionCache {
    private var entries: [(key: String, session: Session)] = []
    private let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Takes the open session for `key` out of the cache (nil when none is open).
    func take(_ key: String) -> Session? {
        guard let index = entries.firstIndex(where: { $0.key == key }) else { return nil }
        let session = entries.remove(at: index).session
        return session.isOpen ? session : nil
    }

    /// Keeps `session` (when still open) as the most recently used; closes the least recently used beyond capacity.
    func keep(_ session: Session, as key: String) {
        guard session.isOpen else { return }
        entries.insert((key, session), at: 0)
        while entries.count > capacity { entries.removeLast().session.close() }
    }

    /// QUIT on every session.
    func closeAll() {
        for entry in entries { entry.session.close() }
        entries.removeAll()
    }
}
