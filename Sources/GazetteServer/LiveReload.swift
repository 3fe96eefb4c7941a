// Live reload: every change the watcher finds is sent to the open preview pages as a server-sent event
// (`text/event-stream`, which browsers reconnect by themselves); each page decides whether it is affected.
import Foundation
import Gazette
import Hummingbird

/// Fans changes out to every connected page.
final class LiveReload: @unchecked Sendable {  // `streams` and `isFinished` are guarded by `lock`
    enum Event: Sendable {
        case change(PreviewSession.Change)
        /// Keeps proxies from closing a quiet connection, and finds pages that went away.
        case ping
    }

    private let lock = NSLock()
    private var streams: [Int: AsyncStream<Event>.Continuation] = [:]
    private var nextID = 0
    private var isFinished = false

    /// How many pages listen now.
    var listeners: Int { lock.withLock { streams.count } }

    /// A stream of events for one page; it ends when the page goes or the server stops.
    func subscribe() -> AsyncStream<Event> {
        let (stream, continuation) = AsyncStream<Event>.makeStream(bufferingPolicy: .bufferingNewest(16))
        let id: Int? = lock.withLock {
            guard !isFinished else { return nil }
            nextID += 1
            streams[nextID] = continuation
            return nextID
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            _ = self.lock.withLock { self.streams.removeValue(forKey: id) }
        }
        return stream
    }

    func publish(_ event: Event) {
        let targets = lock.withLock { Array(streams.values) }
        for continuation in targets { continuation.yield(event) }
    }

    /// Ends every stream (the server is stopping); later subscriptions end at once.
    func finishAll() {
        let targets = lock.withLock {
            isFinished = true
            return Array(streams.values)
        }
        for continuation in targets { continuation.finish() }
    }

    /// The `/_gazette/events` response: a `hello` with the current generation (a page that missed changes while
    /// disconnected reloads), then one `change` event per change.
    func response(generation: Int) -> Response {
        let stream = subscribe()
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await writer.write(ByteBuffer(string: "retry: 500\nevent: hello\ndata: {\"generation\":\(generation)}\n\n"))
            for await event in stream {
                try await writer.write(ByteBuffer(string: Self.format(event)))
            }
            try await writer.finish(nil)
        })
    }

    static func format(_ event: Event) -> String {
        switch event {
        case .ping:
            return ": ping\n\n"
        case .change(let change):
            let object: [String: Any] = ["generation": change.generation, "everything": change.everything,
                                         "issues": change.issues, "paths": change.paths]
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
            return "event: change\ndata: \(String(decoding: data, as: UTF8.self))\n\n"
        }
    }
}
