import AsyncHTTPClient
import Foundation
import GraphSyncClients
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization
import Testing

/// The outbound client connects to the address the SSRF guard vetted, and never resolves the name a second time
/// while the pin lasts, so a name that answers differently later (DNS rebinding) cannot redirect a request.
@Suite struct DNSRebindingTests {
    @Test func requestsGoToTheVettedAddressNotASecondResolution() async throws {
        let server = try await LoopbackEcho.start()
        defer { Task { try? await server.close() } }
        let lookups = Mutex(0)
        // First answer: loopback (allowed here). Any later answer: the cloud metadata address.
        let policy = OutboundDestinationPolicy(allowed: [.loopback]) { host in
            let count = lookups.withLock { value in
                value += 1
                return value
            }
            #expect(host == "rebind.graphsync.test")
            return count == 1 ? [[127, 0, 0, 1]] : [[169, 254, 169, 254]]
        }
        let client = OutboundClient(policy: policy, tls: .makeClientConfiguration(), pinLifetime: 60)
        for _ in 0..<3 {
            // The system resolver knows no such name: only a connection to the vetted address can succeed.
            let response = try await client.send(
                HTTPClientRequest(url: "http://rebind.graphsync.test:\(server.port)/scim/Users"), timeout: .seconds(5), maximumBytes: 1 << 16)
            #expect(response.status == 200)
            #expect(String(buffer: response.body).lowercased().contains("host: rebind.graphsync.test"), "the Host header keeps the name")
        }
        #expect(lookups.withLock { $0 } == 1)
        await client.shutdown()

        // Once the pin is gone (a new client here), the name is vetted again: the metadata address is refused before any connection.
        let shortLived = OutboundClient(policy: policy, tls: .makeClientConfiguration(), pinLifetime: 60)
        await #expect(throws: OutboundError.self) {
            _ = try await shortLived.send(HTTPClientRequest(url: "http://rebind.graphsync.test:\(server.port)/"), timeout: .seconds(5), maximumBytes: 1024)
        }
        await shortLived.shutdown()
    }
}

/// A TCP server on 127.0.0.1 answering every HTTP request with 200 and the request head as the body.
struct LoopbackEcho {
    let channel: any Channel
    var port: Int { self.channel.localAddress?.port ?? 0 }

    static func start() async throws -> LoopbackEcho {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in channel.pipeline.addHandler(EchoHandler()) }
            .bind(host: "127.0.0.1", port: 0).get()
        return LoopbackEcho(channel: channel)
    }

    func close() async throws { try await self.channel.close() }

    final class EchoHandler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        private var received = ""

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            self.received += String(buffer: self.unwrapInboundIn(data))
            guard let end = self.received.range(of: "\r\n\r\n") else { return }
            let head = String(self.received[..<end.lowerBound])
            self.received = String(self.received[end.upperBound...])
            let reply = "HTTP/1.1 200 OK\r\nContent-Length: \(head.utf8.count)\r\nContent-Type: text/plain\r\n\r\n\(head)"
            context.writeAndFlush(self.wrapOutboundOut(ByteBuffer(string: reply)), promise: nil)
        }
    }
}

extension DNSRebindingTests {
    @Test func anotherSpellingOfThePinnedNameIsVettedAgain() async throws {
        let server = try await LoopbackEcho.start()
        defer { Task { try? await server.close() } }
        let lookups = Mutex<[String]>([])
        let policy = OutboundDestinationPolicy(allowed: [.loopback]) { host in
            let count = lookups.withLock { names in
                names.append(host)
                return names.count
            }
            return count == 1 ? [[127, 0, 0, 1]] : [[169, 254, 169, 254]]
        }
        let client = OutboundClient(policy: policy, tls: .makeClientConfiguration())
        let first = try await client.send(
            HTTPClientRequest(url: "http://Rebind.GraphSync.test:\(server.port)/"), timeout: .seconds(5), maximumBytes: 1 << 16)
        #expect(first.status == 200)
        // The same name in other letters is another key for the HTTP client's DNS override: it must be vetted (and here
        // refused), never sent through a pin that does not apply to it.
        await #expect(throws: OutboundError.self) {
            _ = try await client.send(HTTPClientRequest(url: "http://rebind.graphsync.test:\(server.port)/"), timeout: .seconds(5), maximumBytes: 1024)
        }
        // User information is refused even when the origin is pinned.
        await #expect(throws: OutboundError.self) {
            _ = try await client.send(HTTPClientRequest(url: "http://u:p@Rebind.GraphSync.test:\(server.port)/"), timeout: .seconds(5), maximumBytes: 1024)
        }
        #expect(lookups.withLock { $0 } == ["Rebind.GraphSync.test", "rebind.graphsync.test"])
        await client.shutdown()
    }
}
