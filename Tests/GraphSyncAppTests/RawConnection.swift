#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A plain TCP connection to the test server, for clients that misbehave below HTTP (half-sent headers, silence).
struct RawConnection {
    let descriptor: Int32

    /// Connects to the test server on `port`, from the loopback address `source` (any of 127.0.0.0/8, so a test can
    /// play several clients) or the kernel's choice.
    init(port: Int, from source: String? = nil) throws {
        self.descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if let source {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            local.sin_addr.s_addr = inet_addr(source)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(self.descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0 else { throw POSIXError(.EADDRNOTAVAIL) }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(self.descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    func send(_ text: String) {
        _ = text.utf8CString.withUnsafeBufferPointer { Glibc.send(self.descriptor, $0.baseAddress, $0.count - 1, 0) }
    }

    /// Seconds until the server closed the connection (reads until end of stream), or nil if it stayed open `limit` s.
    func secondsUntilClosed(limit: TimeInterval) async -> TimeInterval? {
        (try? await Self.onOwnThread { self.blockingSecondsUntilClosed(limit: limit) }) ?? nil
    }

    private func blockingSecondsUntilClosed(limit: TimeInterval) -> TimeInterval? {
        let started = Date()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date().timeIntervalSince(started) < limit {
            var poller = pollfd(fd: self.descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 200)
            if ready > 0 {
                let count = recv(self.descriptor, &buffer, buffer.count, 0)
                if count <= 0 { return Date().timeIntervalSince(started) }
            }
        }
        return nil
    }

    /// Everything the server sends until it closes the connection (at most `limit` seconds).
    func readAll(limit: TimeInterval = 30) -> String {
        let started = Date()
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date().timeIntervalSince(started) < limit {
            var poller = pollfd(fd: self.descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 200) > 0 else { continue }
            let count = recv(self.descriptor, &buffer, buffer.count, 0)
            if count <= 0 { break }
            received += buffer[0..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }

    /// One HTTP/1.1 request from `source` (a form body when given), and the answer's status and text.
    static func exchange(port: Int, from source: String, _ method: String, _ path: String, form: String? = nil) async throws -> (status: Int, text: String) {
        try await self.onOwnThread { try self.blockingExchange(port: port, from: source, method, path, form: form) }
    }

    /// Runs blocking socket calls on a thread of their own: on Swift's few cooperative threads (two on a two-core
    /// machine) they would stall every other test in the process, and the servers they wait for.
    static func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }

    private static func blockingExchange(port: Int, from source: String, _ method: String, _ path: String, form: String?) throws -> (status: Int, text: String) {
        let connection = try RawConnection(port: port, from: source)
        defer { connection.close() }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if let form { head += "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(form.utf8.count)\r\n" }
        connection.send(head + "\r\n" + (form ?? ""))
        let text = connection.readAll()
        let status = text.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) } ?? 0
        return (status, text)
    }

    func close() { Glibc.close(self.descriptor) }
}
