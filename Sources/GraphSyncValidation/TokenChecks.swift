import Foundation
import GraphSyncClients
import GraphSyncCore
import Logging

/// The token checks of Microsoft's validation (Validate_Credentials_Test): the app's token endpoint issues an access
/// token for the client credentials grant, valid for 60 minutes to 6 hours (a missing `expires_in` counts as 3600 s).
struct TokenChecks {
    static let lifetimes = 3_600...21_600
    let client: HTTPTokenEndpointClient

    init(outbound: OutboundClient, timeout: Duration, logger: Logger) {
        self.client = HTTPTokenEndpointClient(outbound: outbound, timeout: timeout, logger: logger)
    }

    func clientCredentials(_ credentials: AppValidator.ClientCredentials) async throws -> String {
        let request = TokenEndpointRequest(
            tokenURL: credentials.tokenURL, grant: .clientCredentials(scope: credentials.scope), clientId: credentials.clientId,
            clientSecret: credentials.clientSecret)
        return try await self.token(request)
    }

    /// The token for `request`, whose lifetime must be Microsoft's 60 minutes to 6 hours. A secret refused as
    /// `client_secret_post` is sent again with HTTP Basic, as GraphSync's engine (and Entra, "both") does.
    func token(_ request: TokenEndpointRequest) async throws -> String {
        var result = await self.send(request)
        if case .failure(.oauth(_, "invalid_client", _)) = result, request.clientSecret != nil {
            var basic = request
            basic.authentication = .basic
            result = await self.send(basic)
        }
        let response: TokenEndpointResponse
        switch result {
        case .success(let answer): response = answer
        case .failure(let error): throw Deviation(answered: Self.describe(error), expected: "200 with an access_token for grant_type=client_credentials")
        }
        let lifetime = response.expiresIn ?? 3_600
        try Expect.that(Self.lifetimes.contains(lifetime), answered: "expires_in \(lifetime)",
                        expected: "an access token valid for 60 minutes to 6 hours (expires_in 3600 to 21600)")
        return response.accessToken
    }

    func send(_ request: TokenEndpointRequest) async -> Result<TokenEndpointResponse, TokenEndpointError> {
        do { return .success(try await self.client.requestToken(request)) } catch { return .failure(error) }
    }

    /// Workload identity federation (Federated_Identity_Test): a genuine assertion gets a token; then the token endpoint
    /// must refuse a forged, an expired and a wrong-audience assertion, or anyone could present one. Returns the token.
    func run(_ federation: AppValidator.Federation, on run: CheckRun) async -> String? {
        func request(_ kind: FederatedAssertionKind) async throws -> TokenEndpointRequest {
            TokenEndpointRequest(
                tokenURL: federation.tokenURL, grant: .clientCredentials(scope: federation.scope), clientId: federation.clientId, clientSecret: nil,
                authentication: .assertion, clientAssertion: try await federation.assertions.assertion(kind))
        }
        var token: String?
        await run.check("tokens.federated-identity", "the token endpoint issues a token for GraphSync's client assertion (RFC 7523)") {
            token = try await self.token(try await request(.genuine))
        }
        let refusals: [(FederatedAssertionKind, String, String)] = [
            (.forged, "forged", "an assertion signed by another key under GraphSync's key id"),
            (.expired, "expired", "an assertion that expired an hour ago"),
            (.wrongAudience, "wrong-audience", "an assertion for another audience"),
        ]
        for (kind, name, what) in refusals {
            await run.check("tokens.federated-refuses-\(name)", "the token endpoint refuses \(what)") {
                // A refusal means something only from an endpoint that takes the genuine assertion.
                guard token != nil else { throw NotApplicable(reason: "needs tokens.federated-identity") }
                do {
                    _ = try await self.client.requestToken(try await request(kind))
                    throw Deviation(answered: "with an access token to \(what)",
                                    expected: "400 or 401 invalid_client: verify the signature at the JWKS, exp, aud and sub (\(federation.assertions.description))")
                } catch let error as TokenEndpointError {
                    guard case .oauth(let status, _, _) = error, (400..<500).contains(status) else {
                        throw Deviation(answered: Self.describe(error), expected: "400 or 401 invalid_client for \(what)")
                    }
                }
            }
        }
        return token
    }

    static func describe(_ error: TokenEndpointError) -> String {
        switch error {
        case .destinationRefused(let reason): "nothing: \(reason)"
        case .oauth(let status, let code, let description): "HTTP \(status) \(code)\(description.map { " (\($0.prefix(160)))" } ?? "")"
        case .badGateway(let reason): "unusably: \(reason)"
        case .timeout(let seconds): "nothing within \(seconds) s"
        }
    }
}
