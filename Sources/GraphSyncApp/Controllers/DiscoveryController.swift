import Foundation
import GraphSyncAuthority
import GraphSyncCore
import Hummingbird

/// The authority's OpenID Connect discovery document and signing keys.
struct DiscoveryController {
    let endpoints: AuthorityEndpoints
    let tenant: Tenant
    let keys: SigningKeys
    let graphHost: String

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(":tenant/v2.0/.well-known/openid-configuration", use: self.configuration)
        router.get(":tenant/.well-known/openid-configuration", use: self.configuration)
        router.get(":tenant/discovery/v2.0/keys", use: self.keys)
        router.get(":tenant/discovery/keys", use: self.keys)
        router.get("metadata/endpoints", use: self.cloudEndpoints)
    }

    /// The Azure environment document clients read to use a custom cloud (Terraform's `metadata_host`, go-azure-sdk:
    /// `GET /metadata/endpoints?api-version=…`): GraphSync is the authority, and its own address is Graph's address
    /// and token resource, so `{address}/.default` is a Graph scope here.
    @Sendable func cloudEndpoints(_ request: Request, context: AppRequestContext) async throws -> Response {
        let base = self.endpoints.baseURL(for: request)
        let document: JSONValue = .object([
            ("name", .string("GraphSync")),
            ("portal", .string(base)),
            ("authentication", .object([
                ("loginEndpoint", .string(base)), ("audiences", JSONValue(["\(base)/"])), ("tenant", .string("common")),
                ("identityProvider", .string("AAD")),
            ])),
            ("microsoftGraphResourceId", .string("\(base)/")),
            ("graph", .string("\(base)/")),
            ("graphAudience", .string("\(base)/")),
            ("resourceManager", .string("\(base)/")),
            ("suffixes", .object([])),
        ])
        var response = try GraphResponse.json(document)
        response.headers[.contentType] = "application/json; charset=utf-8"
        response.headers[.odataVersion] = nil
        return response
    }

    @Sendable func configuration(_ request: Request, context: AppRequestContext) async throws -> Response {
        try TenantPath.require(context, tenant: self.tenant)
        let base = "\(self.endpoints.baseURL(for: request))/\(self.tenant.id)"
        let document: JSONValue = .object([
            ("token_endpoint", .string("\(base)/oauth2/v2.0/token")),
            ("token_endpoint_auth_methods_supported", JSONValue(["client_secret_post", "client_secret_basic"])),
            ("jwks_uri", .string("\(base)/discovery/v2.0/keys")),
            ("response_modes_supported", JSONValue(["query", "form_post"])),
            ("subject_types_supported", JSONValue(["pairwise"])),
            ("id_token_signing_alg_values_supported", JSONValue(["RS256"])),
            ("response_types_supported", JSONValue(["code"])),
            ("scopes_supported", JSONValue(["openid", "profile", "email", "offline_access"])),
            ("grant_types_supported", JSONValue([
                "authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code", "client_credentials", "password",
            ])),
            ("code_challenge_methods_supported", JSONValue(["S256"])),
            ("issuer", .string("\(base)/v2.0")),
            ("request_uri_parameter_supported", .bool(false)),
            ("authorization_endpoint", .string("\(base)/oauth2/v2.0/authorize")),
            ("device_authorization_endpoint", .string("\(base)/oauth2/v2.0/devicecode")),
            ("end_session_endpoint", .string("\(base)/oauth2/v2.0/logout")),
            ("claims_supported", JSONValue([
                "sub", "iss", "aud", "exp", "iat", "nbf", "auth_time", "nonce", "name", "preferred_username", "email", "tid", "oid", "azp", "roles",
                "scp", "wids", "idtyp", "ver",
            ])),
            ("tenant_region_scope", .null),
            ("cloud_instance_name", .string("graphsync.local")),
            ("msgraph_host", .string(self.graphHost)),
        ])
        var response = try GraphResponse.json(document)
        response.headers[.contentType] = "application/json; charset=utf-8"
        response.headers[.odataVersion] = nil
        return response
    }

    @Sendable func keys(_ request: Request, context: AppRequestContext) async throws -> Response {
        try TenantPath.require(context, tenant: self.tenant)
        var response = Response(status: .ok, body: .init(byteBuffer: .init(bytes: try JSONEncoder().encode(self.keys.current.jwks))))
        response.headers[.contentType] = "application/json; charset=utf-8"
        // Short enough that clients fetch a rotated key before it signs (keys rotate with 600 s of lead by default).
        response.headers[.cacheControl] = "max-age=300, private"
        return response
    }
}

/// The `{tenant}` path segment of authority routes: the tenant id or its domain.
enum TenantPath {
    static func require(_ context: AppRequestContext, tenant: Tenant) throws {
        let requested = context.parameters.get("tenant") ?? ""
        guard [tenant.id, tenant.defaultDomain, "organizations"].contains(where: { $0.caseInsensitiveCompare(requested) == .orderedSame }) else {
            throw OAuthError(
                status: .badRequest, error: "invalid_tenant",
                description: "AADSTS90002: Tenant '\(requested)' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.",
                codes: [90002])
        }
    }
}
