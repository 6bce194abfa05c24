import Foundation

/// The shape of a job's SCIM requests. Entra's engine does not send what RFC 7644 says, and apps built against Entra
/// expect what it sends (docs/scim-dialects.md has each shape's exact JSON):
///
/// - `entra`: Entra's default `scim` job — capitalised `op`s, `active` as the string `"True"`/`"False"`, one
///   `Replace` per path, members added and removed as `{"$ref":null,"value":…}` lists, groups created empty with
///   the ADSCIM schema, `meta.resourceType`, and `excludedAttributes=members` on group reads.
/// - `entraPatch2020`: Entra with the `aadOptscim062020` flag — lower-case `op`s, a boolean `active` in PATCH, the
///   attributes of an update in one path-less `replace` with dotted keys (filtered paths stay separate), and members
///   removed by a `members[value eq "…"]` path; POST is as `entra`.
/// - `rfc7644`: RFC 7644 as written (lower-case `op`s, booleans, one `replace` per path, groups created with their
///   members).
///
/// Chosen as Entra chooses, from flags in the Tenant URL's query (removed from the address the requests go to):
/// none, or `AzureAdScimPatch2017` (Microsoft's roll-back flag), is Entra's default `entra`; `aadOptscim062020` (and
/// the `AzureAdScimPatch062020` spelling of Microsoft's screenshot) picks `entraPatch2020`; `graphsyncRfc7644`,
/// GraphSync's own flag, opts into `rfc7644`.
public enum SCIMDialect: String, Sendable, Equatable, CaseIterable {
    case entra
    case entraPatch2020
    case rfc7644

    static let flags: [String: SCIMDialect] = [
        "aadoptscim062020": .entraPatch2020, "azureadscimpatch062020": .entraPatch2020, "azureadscimpatch2017": .entra,
        "graphsyncrfc7644": .rfc7644,
    ]

    /// The dialect a Tenant URL asks for, and the address without the flag.
    public static func from(tenantURL: String) -> (dialect: SCIMDialect, baseAddress: String) {
        guard var components = URLComponents(string: tenantURL), let items = components.queryItems, !items.isEmpty else { return (.entra, tenantURL) }
        var dialect = SCIMDialect.entra
        var kept: [URLQueryItem] = []
        for item in items {
            if let flagged = Self.flags[item.name.lowercased()] { dialect = flagged } else { kept.append(item) }
        }
        guard kept.count != items.count else { return (.entra, tenantURL) }
        components.queryItems = kept.isEmpty ? nil : kept
        return (dialect, components.string ?? tenantURL)
    }

    public static let userSchema = "urn:ietf:params:scim:schemas:core:2.0:User"
    public static let groupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group"
    static let adscimGroupSchema = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"
    static let patchSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

    public var isEntra: Bool { self != .rfc7644 }

    /// `op` as the dialect writes it.
    public func op(_ name: String) -> JSONValue { .string(self == .entra ? name.prefix(1).uppercased() + name.dropFirst() : name) }

    /// `active` (and any boolean) as the dialect sends it in a POST body.
    func postValue(_ value: JSONValue) -> JSONValue {
        guard self.isEntra, case .bool(let flag) = value else { return value }
        return .string(flag ? "True" : "False")
    }

    /// A boolean as the dialect sends it in a PATCH operation.
    func patchValue(_ value: JSONValue) -> JSONValue {
        guard self == .entra, case .bool(let flag) = value else { return value }
        return .string(flag ? "True" : "False")
    }

    /// Group reads carry `excludedAttributes=members` (Entra never reads member lists back).
    public var excludesMembersOnGroupReads: Bool { self.isEntra }

    /// Groups are created without members, which follow in a PATCH (Entra's order); RFC creates them with their members.
    public var createsGroupsEmpty: Bool { self.isEntra }

    /// The body of a POST: `values` as `AttributeMapper.resource` builds them, in the dialect's shape.
    public func createBody(schema: String, values: [(String, JSONValue)], extra: [(String, JSONValue)] = []) -> JSONValue {
        let body = AttributeMapper.resource(schema: schema, values: values, extra: extra)
        guard self.isEntra, case .object(var members) = body else { return body }
        members = members.map { ($0.0, $0.0 == "schemas" ? $0.1 : self.postValue($0.1)) }
        let isGroup = schema == Self.groupSchema
        if isGroup, let index = members.firstIndex(where: { $0.0 == "schemas" }), case .array(var schemas) = members[index].1 {
            if !schemas.contains(.string(Self.adscimGroupSchema)) { schemas.append(.string(Self.adscimGroupSchema)) }
            members[index].1 = .array(schemas)
        }
        members.append(("meta", .object([("resourceType", .string(isGroup ? "Group" : "User"))])))
        if !isGroup { members.append(("roles", .array([]))) }
        return .object(members)
    }

    /// The operations of an update that sends `values`.
    public func updateOperations(_ values: [(String, JSONValue)]) -> [JSONValue] {
        switch self {
        case .entra, .rfc7644:
            return values.map { .object([("op", self.op("replace")), ("path", .string($0.0)), ("value", self.patchValue($0.1))]) }
        case .entraPatch2020:
            // Filtered paths keep their own operation; the rest go in one path-less replace, keyed by dotted names.
            let filtered = values.filter { $0.0.contains("[") }
            let plain = values.filter { !$0.0.contains("[") }
            var operations = filtered.map { JSONValue.object([("op", .string("replace")), ("path", .string($0.0)), ("value", $0.1)]) }
            if !plain.isEmpty { operations.append(.object([("op", .string("replace")), ("value", .object(plain))])) }
            return operations
        }
    }

    /// The operations that add and remove group members (app ids).
    public func memberOperations(added: [String], removed: [String]) -> [JSONValue] {
        func references(_ ids: [String]) -> JSONValue {
            .array(ids.map { self.isEntra ? .object([("$ref", .null), ("value", .string($0))]) : .object([("value", .string($0))]) })
        }
        var operations: [JSONValue] = []
        if !added.isEmpty { operations.append(.object([("op", self.op("add")), ("path", .string("members")), ("value", references(added))])) }
        switch self {
        case .entra:
            if !removed.isEmpty { operations.append(.object([("op", self.op("remove")), ("path", .string("members")), ("value", references(removed))])) }
        case .entraPatch2020, .rfc7644:
            operations += removed.map { .object([("op", .string("remove")), ("path", .string("members[value eq \"\($0)\"]"))]) }
        }
        return operations
    }

    /// The operations that set references (`path` → the referenced object's id in the app) and remove them. Entra sends
    /// the id as a bare string with `Add` (with or without the 2020 flag); RFC 7644 replaces with a complex `{"value":…}`.
    public func referenceOperations(set: [(path: String, id: String)], removed: [String]) -> [JSONValue] {
        let setting: [JSONValue] = set.map {
            self.isEntra
                ? .object([("op", self.op("add")), ("path", .string($0.path)), ("value", .string($0.id))])
                : .object([("op", .string("replace")), ("path", .string($0.path)), ("value", .object([("value", .string($0.id))]))])
        }
        return setting + removed.map { .object([("op", self.op("remove")), ("path", .string($0))]) }
    }

    /// The operations that give attributes a value they did not have (Entra's `Add`; with the 2020 flag, one path-less
    /// `add` with dotted keys, like an update).
    public func addOperations(_ values: [(String, JSONValue)]) -> [JSONValue] {
        switch self {
        case .entra, .rfc7644:
            return values.map { .object([("op", self.op("add")), ("path", .string($0.0)), ("value", self.patchValue($0.1))]) }
        case .entraPatch2020:
            return values.isEmpty ? [] : [.object([("op", .string("add")), ("value", .object(values))])]
        }
    }

    /// The operation that disables a user who left scope.
    public func disableOperations() -> [JSONValue] {
        [.object([("op", self.op("replace")), ("path", .string("active")), ("value", self.patchValue(.bool(false)))])]
    }

    /// A PatchOp request body (what the SCIM client sends for `operations`).
    public static func patchBody(_ operations: [JSONValue]) -> JSONValue {
        .object([("schemas", .array([.string(Self.patchSchema)])), ("Operations", .array(operations))])
    }
}
