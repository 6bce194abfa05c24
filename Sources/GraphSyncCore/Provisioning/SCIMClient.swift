import Foundation

/// Where and as whom to reach a SCIM 2.0 app: its base address and a bearer token.
public struct SCIMEndpoint: Sendable, Equatable {
    public var baseAddress: String
    public var bearerToken: String
    /// How requests are shaped, from the Tenant URL's flags (which are not part of `baseAddress`).
    public var dialect: SCIMDialect

    /// An endpoint from a Tenant URL as saved (`https://app/scim/v2?aadOptscim062020`).
    public init(baseAddress: String, bearerToken: String) {
        let (dialect, address) = SCIMDialect.from(tenantURL: baseAddress)
        self.baseAddress = address.hasSuffix("/") ? String(address.dropLast()) : address
        self.bearerToken = bearerToken
        self.dialect = dialect
    }
}

/// SCIM filter expressions (RFC 7644 §3.4.2.2).
public enum SCIMFilter {
    /// `attribute eq "value"`, the value's quotes and backslashes escaped.
    public static func equals(_ attribute: String, _ value: String) -> String {
        "\(attribute) eq \"\(value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))\""
    }
}

/// A SCIM request that failed.
public enum SCIMError: Error, Sendable, Equatable {
    /// The app answered with an error status (RFC 7644 §3.12), possibly asking to retry later.
    case status(Int, detail: String, retryAfter: TimeInterval?)
    /// No usable answer: unreachable, TLS failure, a body that is not SCIM JSON.
    case unavailable(String)
    case timeout
    /// The base address may not be called (SSRF guard).
    case refused(String)
    /// Several resources in the app match one object's matching attribute (Entra's `DuplicateTargetEntries`).
    case duplicateTargets(count: Int, filter: String)
    /// Several objects in scope have the same matching value (groups' `displayName`), so the app cannot tell them apart.
    case duplicateSources(count: Int, attribute: String, value: String)
    /// An attribute-mapping expression failed for this object (nothing was sent for it).
    case unmappable(MappingEvaluationError)

    /// `error` as one object's failure: a `SCIMError` as it is, a mapping failure as `unmappable`.
    static func of(_ error: any Error) -> SCIMError {
        switch error {
        case let error as SCIMError: error
        case let error as MappingEvaluationError: .unmappable(error)
        default: .unavailable("\(error)")
        }
    }

    /// Worth retrying within the cycle (throttling, server errors, transient network failures).
    public var isTransient: Bool {
        switch self {
        // 501 (Not Implemented) and 505 (version not supported) say what the app cannot do, which a retry will not change.
        case .status(let code, _, _): code == 429 || (code >= 500 && code != 501 && code != 505)
        case .unavailable, .timeout: true
        case .refused, .duplicateTargets, .duplicateSources, .unmappable: false
        }
    }

    /// Means the app as a whole is unusable (not one object's problem): the cycle fails completely.
    public var isCompleteFailure: Bool {
        switch self {
        case .status(let code, _, _): code == 401 || code == 403 || code == 429 || code >= 500
        case .unavailable, .timeout, .refused: true
        case .duplicateTargets, .duplicateSources, .unmappable: false
        }
    }

    public var message: String {
        switch self {
        case .status(let code, let detail, _): "The SCIM app answered HTTP \(code)\(detail.isEmpty ? "" : ": \(detail)")"
        case .unavailable(let reason): "The SCIM app could not be used: \(reason)"
        case .timeout: "The SCIM app did not answer in time"
        case .refused(let reason): reason
        case .duplicateTargets(let count, let filter):
            "DuplicateTargetEntries: \(count) resources in the app match \(filter); GraphSync cannot tell which one is this object"
        case .duplicateSources(let count, let attribute, let value):
            "DuplicateSourceEntries: \(count) objects in scope have \(attribute) \"\(value)\"; the app matches them by it, so it must be unique. Rename all but one."
        case .unmappable(let error): "AttributeMappingFailed: \(error.message) Nothing was sent for this object; fix the mapping or the object's values."
        }
    }
}

/// A resource the app returned, as far as the engine keeps it: its id in the app, and the string values of the
/// top-level attributes the query asked for.
public struct SCIMResource: Sendable, Equatable {
    public var id: String
    public var attributes: [String: String]

    public init(id: String, attributes: [String: String] = [:]) {
        self.id = id
        self.attributes = attributes
    }
}

/// What a query returned, and whether that is every match (`totalResults` not above the resources returned).
public struct SCIMQueryResult: Sendable, Equatable {
    public var resources: [SCIMResource]
    public var isComplete: Bool

    public init(resources: [SCIMResource], isComplete: Bool) {
        self.resources = resources
        self.isComplete = isComplete
    }
}

/// The SCIM 2.0 protocol operations the provisioning engine uses (RFC 7644 §3).
public protocol SCIMClient: Sendable {
    /// `GET /{resourceType}?filter=…`: the matching resources.
    func search(_ endpoint: SCIMEndpoint, resourceType: String, filter: String) async throws(SCIMError) -> [SCIMResource]
    /// `GET /{resourceType}?filter=…&attributes=…&count=…`: up to `count` matches with the string values of `attributes`.
    func query(_ endpoint: SCIMEndpoint, resourceType: String, filter: String, attributes: [String], count: Int) async throws(SCIMError) -> SCIMQueryResult
    /// `POST /{resourceType}`: the created resource.
    func create(_ endpoint: SCIMEndpoint, resourceType: String, body: JSONValue) async throws(SCIMError) -> SCIMResource
    /// `PATCH /{resourceType}/{id}` with a PatchOp.
    func patch(_ endpoint: SCIMEndpoint, resourceType: String, id: String, operations: [JSONValue]) async throws(SCIMError)
    /// `GET /{resourceType}/{id}`: the resource as the app has it.
    func read(_ endpoint: SCIMEndpoint, resourceType: String, id: String) async throws(SCIMError) -> JSONValue
    /// `PUT /{resourceType}/{id}`.
    func replace(_ endpoint: SCIMEndpoint, resourceType: String, id: String, body: JSONValue) async throws(SCIMError)
    /// `DELETE /{resourceType}/{id}`.
    func delete(_ endpoint: SCIMEndpoint, resourceType: String, id: String) async throws(SCIMError)
}
