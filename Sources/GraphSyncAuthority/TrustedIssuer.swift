import AsyncHTTPClient
import Foundation
import GraphSyncCore
import JWTKit
import Logging
import NIOCore
import NIOHTTP1
import NIOFoundationCompat

/// An external token issuer (for example a real Entra tenant) whose signing keys are fetched through its
/// OIDC discovery document, cached, and fetched again when a token names an unknown `kid`.
///
/// Fetches are single-flight (concurrent requests share one) and happen at most once per `minimumRefreshInterval`,
/// whether they succeed or not, each bounded by one deadline over the whole exchange: tokens with random `kid`s or an
/// issuer that is down or drip-feeds its answers cannot turn into a flood of outbound requests or stuck requests.
public actor TrustedIssuer {
    public nonisolated let authority: String
    private let httpClient: HTTPClient
    private let logger: Logger
    private var keys: JWTKeyCollection?
    private var knownKids: Set<String> = []
    private var issuers: Set<String> = []
    private var lastFetch: Date = .distantPast
    private var refreshing: Task<Void, any Error>?
    /// Unknown `kid`s trigger a refetch at most this often, so random kids cannot hammer the issuer.
    private let minimumRefreshInterval: TimeInterval

    /// - Parameter authority: e.g. `https://login.microsoftonline.com/{tenantId}/v2.0`.
    public init(authority: String, httpClient: HTTPClient, logger: Logger, minimumRefreshInterval: TimeInterval = 30) {
        self.authority = authority.hasSuffix("/") ? String(authority.dropLast()) : authority
        self.httpClient = httpClient
        self.logger = logger
        self.minimumRefreshInterval = minimumRefreshInterval
    }

    /// The issuer values this authority's tokens carry (from discovery; Entra v1 `sts.windows.net` form included).
    public func accepts(issuer: String) async -> Bool {
        if self.issuers.isEmpty && self.mayRefresh { try? await self.refresh() }
        return self.issuers.contains(issuer) || issuer == self.authority
    }

    /// Keys able to verify a token with `kid`, refreshing (at most once a minute) when the kid is unknown.
    public func keys(for kid: String?) async throws -> JWTKeyCollection {
        if let keys = self.keys, kid.map(self.knownKids.contains) ?? true { return keys }
        if self.mayRefresh { try await self.refresh() }
        guard let keys = self.keys else { throw TokenValidationFailure.invalidSignature }
        return keys
    }

    private struct Discovery: Decodable {
        var issuer: String
        var jwks_uri: String
    }

    private var mayRefresh: Bool { self.refreshing != nil || Date().timeIntervalSince(self.lastFetch) >= self.minimumRefreshInterval }

    /// Joins the fetch under way, or starts one.
    private func refresh() async throws {
        if let refreshing = self.refreshing { return try await refreshing.value }
        self.lastFetch = Date()
        let task = Task { try await self.fetchKeys() }
        self.refreshing = task
        defer { self.refreshing = nil }
        try await task.value
    }

    private func fetchKeys() async throws {
        let discovery = try await self.fetch(Discovery.self, from: self.authority + "/.well-known/openid-configuration")
        // The keys must come from the authority's own host: a discovery document cannot send GraphSync elsewhere.
        guard let keysURL = URL(string: discovery.jwks_uri), let authorityURL = URL(string: self.authority),
            keysURL.scheme?.lowercased() == authorityURL.scheme?.lowercased(), keysURL.host?.lowercased() == authorityURL.host?.lowercased(),
            keysURL.port == authorityURL.port
        else {
            throw TokenValidationFailure.unknownIssuer("\(self.authority) names its keys at another host (\(discovery.jwks_uri.prefix(200)))")
        }
        let jwks = try await self.fetch(JWKS.self, from: discovery.jwks_uri)
        let collection = JWTKeyCollection()
        try await collection.add(jwks: jwks)
        self.keys = collection
        self.knownKids = Set(jwks.keys.compactMap { $0.keyIdentifier?.string })
        var issuers: Set<String> = [discovery.issuer]
        // Entra's discovery names the issuer with a `{tenantid}` placeholder on multi-tenant endpoints, and v1 tokens use sts.windows.net.
        if let tenant = self.authority.split(separator: "/").dropFirst(2).first {
            issuers.insert(discovery.issuer.replacingOccurrences(of: "{tenantid}", with: tenant))
            issuers.insert("https://sts.windows.net/\(tenant)/")
        }
        self.issuers = issuers
        self.logger.info("fetched signing keys of trusted issuer", metadata: ["authority": "\(self.authority)", "keys": "\(jwks.keys.count)"])
    }

    private func fetch<T: Decodable>(_ type: T.Type, from url: String) async throws -> T {
        var outbound = HTTPClientRequest(url: url)
        outbound.headers.add(name: "Accept", value: "application/json")
        let request = outbound
        let client = self.httpClient
        let body = try await TimeLimit.run(within: .seconds(10)) {
            let response = try await client.execute(request, timeout: .seconds(10))
            guard response.status == .ok else {
                throw TokenValidationFailure.unknownIssuer("\(url) answered \(response.status.code)")
            }
            return try await response.body.collect(upTo: 1 << 20)
        }
        return try JSONDecoder().decode(T.self, from: body)
    }
}
