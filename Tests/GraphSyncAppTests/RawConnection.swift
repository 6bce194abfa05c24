#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A plain TCP connection to the test server, for clients that misbehave below HTTP (half-sent headers, silence).
struct RawConnection {
    let descriptor: Int32

    init(port: Int) throws {
        self.descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
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
    func secondsUntilClosed(limit: TimeInterval) -> TimeInterval? {
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

    func close() { Glibc.close(self.descriptor) }
}
