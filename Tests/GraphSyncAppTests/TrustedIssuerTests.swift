import Foundation
import Testing

/// Tokens of an external issuer configured with `--trust-issuer` are verified against its published keys.
@Suite struct TrustedIssuerTests {
    @Test func tokensWithUnknownKidsCannotFloodTheIssuer() async throws {
        let external = try ExternalIssuer()
        try await external.serve {
            try await TestServer.run(configure: { $0.trustedIssuers = [external.authority] }) { server in
                // Many concurrent tokens with kids the issuer never published (keys rotated after each signing).
                var tokens: [String] = []
                for _ in 0..<20 {
                    try external.rotate()
                    tokens.append(try await external.token(roles: ["Application.ReadWrite.All"]))
                }
                let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                    for token in tokens { group.addTask { try await server.send(.GET, "/v1.0/applications", token: token).status } }
                    return try await group.reduce(into: [Int]()) { $0.append($1) }
                }
                #expect(statuses.count == 20)
                // One discovery + one JWKS fetch for the first refresh; the rest join it or wait for the interval.
                #expect(external.fetchCount <= 4, "\(external.fetchCount) fetches for 20 requests")
            }
        }
    }

    @Test func externalTokensAreAcceptedOnlyFromTrustedIssuers() async throws {
        let external = try ExternalIssuer()
        try await external.serve {
            try await TestServer.run(configure: { $0.trustedIssuers = [external.authority] }) { server in
                let token = try await external.token(roles: ["Application.ReadWrite.All"])
                let reply = try await server.send(.GET, "/v1.0/applications", token: token)
                #expect(reply.status == 200, "\(reply.text)")

                // Same issuer, a kid it never published: refetched, still unknown, refused.
                let rotated = try ExternalIssuer()
                let forged = try await rotated.token(roles: ["Application.ReadWrite.All"])
                #expect(try await server.send(.GET, "/v1.0/applications", token: forged).status == 401)

                let wrongAudience = try await external.token(roles: ["Application.ReadWrite.All"], audience: "api://other")
                #expect(try await server.send(.GET, "/v1.0/applications", token: wrongAudience).errorMessage?.contains("audience") == true)
            }
            // Without --trust-issuer the same token is refused.
            try await TestServer.run { server in
                let token = try await external.token(roles: ["Application.ReadWrite.All"])
                let reply = try await server.send(.GET, "/v1.0/applications", token: token)
                #expect(reply.status == 401)
                #expect(reply.errorMessage?.contains("Invalid issuer") == true)
            }
        }
    }
}
