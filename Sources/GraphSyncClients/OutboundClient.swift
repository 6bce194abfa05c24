import AsyncHTTPClient
import Foundation
import GraphSyncCore
import NIOCore
import NIOHTTP1
import NIOSSL
import Synchronization

/// Why an outbound exchange produced no answer.
public enum OutboundError: Error, Sendable, Equatable {
    /// The SSRF guard refused the destination.
    case refused(String)
    case unresolvable(String)
    /// No complete answer (head and body) within the exchange's deadline.
    case timeout
    /// The answer was larger than the limit, in bytes.
    case tooLarge(Int)
    case tls(String)
    case network(String)
}

/// An answer read whole.
public struct OutboundResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: ByteBuffer
}

/// HTTP to user-supplied destinations (token endpoints, SCIM apps), safe against hostile peers:
/// - each origin's host is resolved once and vetted by `OutboundDestinationPolicy`, and connections are pinned to a
///   vetted address through a per-origin client with a DNS override, so TLS SNI and certificate verification stay on
///   the hostname while a second resolution (DNS rebinding) is never made;
/// - every exchange has one deadline covering connect, head and the whole body, so a peer that drips bytes cannot hold
///   a request past it; answers over a size limit are cut off; redirects are not followed.
///
/// A pin lives for `pinLifetime`, then the host is resolved and vetted again.
public final class OutboundClient: Sendable {
    let policy: OutboundDestinationPolicy
    private let configuration: HTTPClient.Configuration
    private let pinLifetime: TimeInterval
    private let maximumPins: Int
    /// Clients for IP-literal destinations (nothing to resolve, nothing to pin).
    private let direct: HTTPClient
    private let pins = Mutex<[String: Pin]>([:])
    private let retired = Mutex<[HTTPClient]>([])
    private let isShutDown = Mutex(false)
    /// How long a replaced client lives on for the requests still running on it.
    private let retirement: Duration

    private struct Pin {
        var client: HTTPClient
        var destination: OutboundDestinationPolicy.Destination
        var expires: ContinuousClock.Instant
    }

    /// - Parameter longestExchange: the longest timeout any caller passes to `send`; a replaced client is shut down only
    ///   after that (plus a margin), so no request running on it is cut off.
    public init(
        policy: OutboundDestinationPolicy, tls: TLSConfiguration, pinLifetime: TimeInterval = 30, maximumPins: Int = 256,
        longestExchange: Duration = .seconds(600)
    ) {
        self.retirement = longestExchange + .seconds(30)
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls, redirectConfiguration: .disallow)
        configuration.timeout = .init(connect: .seconds(5))
        configuration.connectionPool = .init(idleTimeout: .seconds(30))
        // A refused or failed connection fails the request at once instead of being retried until the deadline.
        configuration.connectionPool.retryConnectionEstablishment = false
        self.configuration = configuration
        self.policy = policy
        self.pinLifetime = pinLifetime
        self.maximumPins = maximumPins
        self.direct = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Sends `request` (its URL a full `https://…`) and reads the whole answer within `timeout`.
    public func send(_ request: HTTPClientRequest, timeout: Duration, maximumBytes: Int) async throws(OutboundError) -> OutboundResponse {
        let (client, destination) = try await self.client(for: request.url)
        do {
            return try await TimeLimit.run(within: timeout) {
                let response = try await client.execute(request, timeout: TimeAmount(timeout))
                let body = try await response.body.collect(upTo: maximumBytes)
                return OutboundResponse(status: Int(response.status.code), headers: response.headers, body: body)
            }
        } catch is TimeLimit.Exceeded {
            throw .timeout
        } catch is NIOTooManyBytesError {
            throw .tooLarge(maximumBytes)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw .timeout
        } catch let error as NIOSSLError {
            throw .tls("TLS with \(destination.host) failed: \(error)")
        } catch let error as BoringSSLError {
            throw .tls("TLS with \(destination.host) failed (certificate not trusted?): \(error)")
        } catch {
            throw .network(Self.reason(error))
        }
    }

    /// Shuts every client down (at service shutdown).
    public func shutdown() async {
        self.isShutDown.withLock { $0 = true }
        let clients = self.pins.withLock { pins in
            defer { pins.removeAll() }
            return pins.values.map(\.client)
        } + self.retired.withLock { retired in
            defer { retired.removeAll() }
            return retired
        }
        for client in clients { try? await client.shutdown() }
        try? await self.direct.shutdown()
    }

    /// The client pinned to a vetted address of `urlString`'s origin, vetting (and pinning) it first if needed.
    private func client(for urlString: String) async throws(OutboundError) -> (HTTPClient, OutboundDestinationPolicy.Destination) {
        let now = ContinuousClock.now
        guard let url = URL(string: urlString), url.user == nil, url.password == nil else {
            // Not parsable, or with user information: the policy says which.
            _ = try await self.policy.vet(urlString)
            throw .refused("'\(urlString.prefix(200))' cannot be called.")
        }
        if self.isShutDown.withLock({ $0 }) { throw .network("GraphSync is shutting down") }
        if let key = OutboundDestinationPolicy.origin(of: url), let pin = self.pins.withLock({ $0[key] }), pin.expires > now {
            // The path may differ from the pinned URL's; scheme, host and port do not.
            return (pin.client, pin.destination)
        }
        let destination = try await self.policy.vet(urlString)
        if destination.isLiteral { return (self.direct, destination) }
        var configuration = self.configuration
        configuration.dnsOverride = [destination.host: destination.addresses[0]]
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let replaced: [HTTPClient] = self.pins.withLock { pins in
            var dropped: [HTTPClient] = []
            if let old = pins.removeValue(forKey: destination.origin) { dropped.append(old.client) }
            if pins.count >= self.maximumPins {
                for (origin, pin) in pins where pin.expires <= now {
                    dropped.append(pin.client)
                    pins[origin] = nil
                }
                if pins.count >= self.maximumPins, let oldest = pins.min(by: { $0.value.expires < $1.value.expires }) {
                    dropped.append(oldest.value.client)
                    pins[oldest.key] = nil
                }
            }
            pins[destination.origin] = Pin(client: client, destination: destination, expires: now + .seconds(self.pinLifetime))
            return dropped
        }
        self.retire(replaced)
        return (client, destination)
    }

    /// Shuts replaced clients down once requests still running on them have had time to end.
    private func retire(_ clients: [HTTPClient]) {
        guard !clients.isEmpty else { return }
        self.retired.withLock { $0 += clients }
        Task {
            try? await Task.sleep(for: self.retirement)
            let due = self.retired.withLock { retired in
                let due = retired.filter { client in clients.contains { $0 === client } }
                retired.removeAll { client in clients.contains { $0 === client } }
                return due
            }
            for client in due { try? await client.shutdown() }
        }
    }

    /// A short, stable description of a connection failure, without NIO internals.
    static func reason(_ error: any Error) -> String {
        let text = String(describing: error).lowercased()
        if text.contains("refused") { return "connection refused" }
        if text.contains("unreachable") { return "host unreachable" }
        if text.contains("reset") { return "connection reset" }
        if text.contains("resolv") || text.contains("nodename") { return "name not resolved" }
        if text.contains("closed") { return "connection closed" }
        if text.contains("invalid") || text.contains("header") { return "malformed HTTP answer" }
        return "network error"
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
