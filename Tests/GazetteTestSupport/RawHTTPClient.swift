// An HTTP/1.1 client for tests that must send exactly the bytes they mean: paths a real client would clean up
// (`/../`, `%2e%2e`), huge headers, garbage. One request per connection, read until the server closes.
import Foundation

public enum RawHTTPClient {
    public struct Response: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: Data
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// GET `target` (sent as it is) from the server at 127.0.0.1:`port`.
    public static func get(_ target: String, port: Int, host: String = "127.0.0.1", extraHeaders: String = "",
                           timeout: TimeInterval = 10) throws -> Response {
        let request = "GET \(target) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n\(extraHeaders)\r\n"
        return try send(Data(request.utf8), port: port, timeout: timeout)
    }

    /// Sends `request` and reads the reply until the connection closes (or `timeout`).
    public static func send(_ request: Data, port: Int, timeout: TimeInterval = 10) throws -> Response {
        let raw = try exchange(request, port: port, timeout: timeout)
        guard let split = raw.range(of: Data("\r\n\r\n".utf8)) else {
            throw PythonTools.Failure(description: "no HTTP response head in \(raw.count) bytes")
        }
        let head = String(decoding: raw[raw.startIndex..<split.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = head.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw PythonTools.Failure(description: "bad status line: \(head.first ?? "")")
        }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Data(raw[split.upperBound...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" { body = dechunk(body) }
        return Response(status: status, headers: headers, body: body)
    }

    /// The bytes the server sent back before it closed the connection.
    public static func exchange(_ request: Data, port: Int, timeout: TimeInterval) throws -> Data {
        let socket = try connectSocket(port: port, timeout: timeout)
        defer { close(socket) }
        _ = request.withUnsafeBytes { bytes in
            var sent = 0
            while sent < bytes.count {
                guard let base = bytes.baseAddress else { break }
                let count = Glibc.send(socket, base + sent, bytes.count - sent, Int32(MSG_NOSIGNAL))
                if count <= 0 { break }  // the server may close early on a request it refuses
                sent += count
            }
        }
        var reply = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        let deadline = Date(timeIntervalSinceNow: timeout)
        while Date() < deadline {
            let count = recv(socket, &buffer, buffer.count, 0)
            if count <= 0 { break }
            reply.append(contentsOf: buffer[0..<count])
        }
        return reply
    }

    /// Opens a streaming response (server-sent events), calls `afterHead` once the first bytes arrived, and
    /// reads until `until` holds for everything read so far or `timeout` passes; returns what was read.
    public static func stream(_ target: String, port: Int, timeout: TimeInterval, afterHead: () throws -> Void,
                              until: (String) -> Bool) throws -> String {
        let socket = try connectSocket(port: port, timeout: 0.2)
        defer { close(socket) }
        let request = "GET \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAccept: text/event-stream\r\n\r\n"
        _ = request.withCString { Glibc.send(socket, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        var text = "", calledBack = false
        var buffer = [UInt8](repeating: 0, count: 65536)
        let deadline = Date(timeIntervalSinceNow: timeout)
        while Date() < deadline, !until(text) {
            let count = recv(socket, &buffer, buffer.count, 0)
            if count == 0 { break }
            if count > 0 { text += String(decoding: buffer[0..<count], as: UTF8.self) }
            if !calledBack, !text.isEmpty {
                calledBack = true
                try afterHead()
            }
        }
        return text
    }

    public static func connectSocket(port: Int, timeout: TimeInterval) throws -> Int32 {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw PythonTools.Failure(description: "socket: \(errno)") }
        var time = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1_000_000))
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(socket)
            throw PythonTools.Failure(description: "connect to port \(port): errno \(errno)")
        }
        return socket
    }

    static func dechunk(_ data: Data) -> Data {
        var output = Data(), rest = data[...]
        while let lineEnd = rest.range(of: Data("\r\n".utf8)) {
            let sizeText = String(decoding: rest[rest.startIndex..<lineEnd.lowerBound], as: UTF8.self)
            guard let size = Int(sizeText.split(separator: ";").first ?? "", radix: 16), size > 0 else { break }
            let start = lineEnd.upperBound
            guard rest.distance(from: start, to: rest.endIndex) >= size else { break }
            let end = rest.index(start, offsetBy: size)
            output.append(rest[start..<end])
            rest = rest[min(rest.index(end, offsetBy: 2, limitedBy: rest.endIndex) ?? rest.endIndex, rest.endIndex)...]
        }
        return output
    }
}
