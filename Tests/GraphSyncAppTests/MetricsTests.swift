import Foundation
import GraphSyncApp
import GraphSyncCore
import Testing

/// `serve --metrics`: Prometheus text at `/metrics`, behind its bearer token, with bounded labels and no secrets.
@Suite struct MetricsTests {
    /// The value of the sample of `name` whose labels include `labels` (the sum when several match), nil when none does.
    static func sample(_ text: String, _ name: String, _ labels: [String: String] = [:]) -> Double? {
        var total: Double?
        for line in text.split(separator: "\n") where line.hasPrefix(name + "{") || line.hasPrefix(name + " ") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            let head = line[..<space]
            guard labels.allSatisfy({ head.contains("\($0.key)=\"\($0.value)\"") }) else { continue }
            total = (total ?? 0) + value
        }
        return total
    }

    @Test func metricsAreServedBehindTheirTokenWithoutSecretsOrUnboundedLabels() async throws {
        let endpoint = try TestTokenEndpoint(rotatesRefreshTokens: true)
        try await endpoint.serve {
            try await TestServer.run(configure: {
                $0.metrics = true
                $0.metricsToken = "scrape-secret"
                $0.allowTokenURLsTo = [.loopback]
            }) { server in
                #expect(try await server.send(.GET, "/metrics").status == 401)
                let wrong = try await server.send(.GET, "/metrics", token: "scrape-secre")
                #expect(wrong.status == 401 && wrong.headers.first(name: "WWW-Authenticate")?.hasPrefix("Bearer") == true)

                let admin = try await server.adminToken()
                #expect(try await server.send(.GET, "/v1.0/users", token: admin).status == 200)
                let (_, sp, _) = try await server.runtime.createApplication(displayName: "SaaS app", permissions: [])
                let acquired = try await server.send(.POST, "/v1.0/servicePrincipals/\(sp.id)/synchronization/acquireAccessToken", token: admin,
                                                     json: ["credentials": AcquireAccessTokenTests.credentials(endpoint, code: "good")])
                #expect(acquired.status == 204, "\(acquired.text)")
                // Methods and paths a caller invents never become labels.
                for method in ["FROB", "BLARG"] {
                    _ = try await server.send(.init(rawValue: method), "/v1.0/made-up-\(method)", token: admin)
                    _ = try await server.send(.GET, "/made-up-\(method)/deeper", token: admin)
                }

                let scraped = try await server.send(.GET, "/metrics", token: "scrape-secret")
                #expect(scraped.status == 200 && scraped.headers.first(name: "Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
                let text = scraped.text
                #expect((Self.sample(text, "graphsync_http_requests_total", ["method": "GET", "route": "/v1.0/users", "status": "200"]) ?? 0) >= 1, "\(text.prefix(3000))")
                #expect((Self.sample(text, "graphsync_token_exchanges_total", ["grant": "authorization_code", "outcome": "success"]) ?? 0) >= 1)
                #expect(Self.sample(text, "graphsync_http_request_duration_seconds_count", ["method": "GET", "route": "/v1.0/users"]) != nil)
                for invented in ["FROB", "BLARG", "made-up"] { #expect(!text.contains(invented), "\(invented) became a label") }
                for secret in ["scrape-secret", TestTokenEndpoint.clientSecret, server.facts.clientSecret, admin] {
                    #expect(!text.contains(secret), "a secret in the metrics")
                }
            }
        }
    }

    @Test func withoutTheFlagThereIsNoMetricsRouteAndWithoutATokenItIsOpen() async throws {
        try await TestServer.run { server in
            let reply = try await server.send(.GET, "/metrics")
            #expect(reply.status == 404)
        }
        try await TestServer.run(configure: { $0.metrics = true }) { server in
            // A request is counted once answered: the second scrape shows the first, whatever ran in the process before.
            #expect(try await server.send(.GET, "/metrics").status == 200)
            let reply = try await server.send(.GET, "/metrics")
            #expect(reply.status == 200 && reply.text.contains("graphsync_http_requests_total"), "\(reply.text.prefix(400))")
        }
    }

    @Test func behindAPublicURLMetricsAreNeverOpen() async throws {
        // Behind a reverse proxy on the same machine every scrape comes from loopback: only the token tells them apart.
        try await TestServer.run(configure: {
            $0.metrics = true
            $0.publicURL = "https://graphsync.example.com"
        }) { server in
            let reply = try await server.send(.GET, "/metrics")
            #expect(reply.status == 401, "open behind --public-url: \(reply.status)")
        }
    }

    @Test func onlyALoopbackAddressCountsAsLoopback() {
        for host in ["127.0.0.1", "127.1.2.3", "::1", "localhost"] {
            var configuration = AppConfiguration()
            configuration.host = host
            #expect(configuration.metricsMayBeOpen, "\(host)")
            configuration.publicURL = "https://graphsync.example.com"
            #expect(!configuration.metricsMayBeOpen, "\(host) behind a public URL")
        }
        for host in ["127.example.com", "127.0.0.1.nip.io", "0.0.0.0", "::", "10.0.0.1", "1270.0.0.1"] {
            var configuration = AppConfiguration()
            configuration.host = host
            #expect(!configuration.metricsMayBeOpen, "\(host)")
        }
    }
}
