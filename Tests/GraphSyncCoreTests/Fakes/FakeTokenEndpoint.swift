import GraphSyncCore
import Synchronization

/// An OAuth token endpoint in memory: answers every grant with numbered tokens and records the requests.
final class FakeTokenEndpoint: TokenEndpointClient {
    private let state = Mutex<(issued: Int, requests: [TokenEndpointRequest])>((0, []))
    var requests: [TokenEndpointRequest] { self.state.withLock { $0.requests } }
    let lifetime: Int

    init(lifetime: Int = 3600) { self.lifetime = lifetime }

    func requestToken(_ request: TokenEndpointRequest) async throws(TokenEndpointError) -> TokenEndpointResponse {
        let n = self.state.withLock { state in
            state.requests.append(request)
            state.issued += 1
            return state.issued
        }
        // As RFC 6749 §4.4.3 says: the client credentials grant issues no refresh token.
        let refreshToken: String? = if case .clientCredentials = request.grant { nil } else { "rt-\(n)" }
        return TokenEndpointResponse(accessToken: "at-\(n)", refreshToken: refreshToken, expiresIn: self.lifetime, tokenType: "Bearer")
    }
}

/// Client assertions in memory: numbered, naming the service principal they were signed for.
final class FakeAssertionIssuer: ClientAssertionIssuer {
    private let issued = Mutex(0)

    func assertion(servicePrincipalId: String) async throws -> String {
        "assertion-\(self.issued.withLock { $0 += 1; return $0 })-for-\(servicePrincipalId)"
    }
}

/// A credential hasher without stretching, for tests that do not test hashing.
struct PlainHasher: CredentialHasher {
    func hash(_ secret: String) -> String { "plain$" + secret }
    func verify(_ secret: String, against hash: String) -> Bool { hash == "plain$" + secret }
    var decoyHash: String { "plain$decoy" }
}
