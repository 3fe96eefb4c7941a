// A real headless Chromium driven through its DevTools protocol (chromium_devtools.py beside this file): open
// a page, evaluate scripts in it, wait for a condition, take screenshots. Every call is bounded in time.
import Foundation

/// One browser with one page, for the length of a test.
public final class ChromiumSession: @unchecked Sendable {  // used from one test thread at a time
    private let process = Process()
    private let input = Pipe()
    private let lines: LineReader

    /// Starts Chromium (skips locally, fails under CI=true, when it or websocket-client is missing).
    public init() throws {
        let browser = try Chromium.require()
        try PythonTools.require(["websocket"])
        let script = PythonTools.packageRoot.appendingPathComponent("Tests/GazetteTestSupport/chromium_devtools.py")
        process.executableURL = PythonTools.interpreter
        process.arguments = ["-u", script.path, browser.path]
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        lines = LineReader(output.fileHandleForReading)
        try process.run()
        let ready = try lines.next(timeout: 60)
        guard ready.contains("\"ready\"") else { throw PythonTools.Failure(description: "Chromium did not start: \(ready)") }
    }

    deinit { close() }

    /// Sends one command and returns its answer; an `error` in the answer is thrown.
    @discardableResult
    public func send(_ command: [String: Any], timeout: TimeInterval = 60) throws -> [String: Any] {
        var data = try JSONSerialization.data(withJSONObject: command)
        data.append(0x0A)
        try input.fileHandleForWriting.write(contentsOf: data)
        let line = try lines.next(timeout: timeout)
        guard let answer = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw PythonTools.Failure(description: "unreadable answer from the Chromium driver: \(line)")
        }
        if let error = answer["error"] as? String { throw PythonTools.Failure(description: "Chromium: \(error)") }
        return answer
    }

    public func open(_ url: URL) throws { try send(["cmd": "open", "url": url.absoluteString]) }

    /// The value of `expression` in the page (a JSON value).
    public func evaluate(_ expression: String) throws -> Any? { try send(["cmd": "eval", "expr": expression])["value"] }

    /// Waits until `expression` is truthy; returns how long it took. Throws when it is not within `timeout`.
    @discardableResult
    public func wait(until expression: String, timeout: TimeInterval) throws -> TimeInterval {
        let answer = try send(["cmd": "wait", "expr": expression, "timeout": timeout], timeout: timeout + 30)
        return answer["seconds"] as? Double ?? 0
    }

    /// Emulates the user's `prefers-color-scheme` (`dark`, `light`, or `""` for the default).
    public func emulateColorScheme(_ value: String) throws { try send(["cmd": "color-scheme", "value": value]) }

    public func screenshot(to file: URL, width: Int = 1400, height: Int = 1000) throws {
        try send(["cmd": "screenshot", "path": file.path, "width": width, "height": height])
    }

    public func close() {
        guard process.isRunning else { return }
        _ = try? send(["cmd": "quit"], timeout: 10)
        // The driver kills Chromium's process group on its way out: give it the time to.
        let deadline = Date(timeIntervalSinceNow: 10)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        Thread.sleep(forTimeInterval: 0.2)
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

/// Lines from a pipe, read on a thread of their own so that a wait can time out.
public final class LineReader: @unchecked Sendable {  // guarded by `condition`
    private let condition = NSCondition()
    private var buffer = Data()
    private var closed = false

    public init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            while true {
                let chunk = handle.availableData
                condition.lock()
                if chunk.isEmpty { closed = true } else { buffer.append(chunk) }
                condition.broadcast()
                condition.unlock()
                if chunk.isEmpty { return }
            }
        }
    }

    public func next(timeout: TimeInterval) throws -> String {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = buffer[buffer.startIndex..<newline]
                buffer.removeSubrange(buffer.startIndex...newline)
                return String(decoding: line, as: UTF8.self)
            }
            if closed { throw PythonTools.Failure(description: "the process closed its output") }
            if !condition.wait(until: deadline) { throw PythonTools.Failure(description: "no answer within \(Int(timeout)) s") }
        }
    }
}
