import Foundation
import GraphSyncClients
import GraphSyncCore
import Logging

/// The token checks of Microsoft's validation (Validate_Credentials_Test): the app's token endpoint issues an access
/// token for the client credentials grant, valid for 60 minutes to 6 hours (a missing `expires_in` counts as 3600 s).
enum TokenChecks {
    static let lifetimes = 3_600...21_600

    static func clientCredentials(_ credentials: AppValidator.ClientCredentials, outbound: OutboundClient, logger: Logger) async throws -> String {
        let client = HTTPTokenEndpointClient(outbound: outbound, logger: logger)
        let request = TokenEndpointRequest(
            tokenURL: credentials.tokenURL, grant: .clientCredentials(scope: credentials.scope), clientId: credentials.clientId,
            clientSecret: credentials.clientSecret)
        let response: TokenEndpointResponse
        do {
            response = try await client.requestToken(request)
        } catch {
            throw Deviation(answered: Self.describe(error), expected: "200 with an access_token for grant_type=client_credentials")
        }
        let lifetime = response.expiresIn ?? 3_600
        try Expect.that(Self.lifetimes.contains(lifetime), answered: "expires_in \(lifetime)",
                        expected: "an access token valid for 60 minutes to 6 hours (expires_in 3600 to 21600)")
        return response.accessToken
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
