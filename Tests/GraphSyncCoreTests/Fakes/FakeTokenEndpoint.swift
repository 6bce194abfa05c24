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
        return TokenEndpointResponse(accessToken: "at-\(n)", refreshToken: "rt-\(n)", expiresIn: self.lifetime, tokenType: "Bearer")
    }
}

/// A credential hasher without stretching, for tests that do not test hashing.
struct PlainHasher: CredentialHasher {
    func hash(_ secret: String) -> String { "plain$" + secret }
    func verify(_ secret: String, against hash: String) -> Bool { hash == "plain$" + secret }
    var decoyHash: String { "plain$decoy" }
}
