import Foundation

/// Evaluates a job's attribute mappings for one directory object and builds SCIM payloads from the result.
public enum AttributeMapper {
    /// The functions mappings may use: name, and how many parameters each takes (`schema/functions`).
    public static var functionSignatures: [(name: String, parameters: ClosedRange<Int>)] { MappingFunction.signatures }

    /// Source attribute values of a user, by Entra attribute name: every Graph property it has (`department`,
    /// `employeeId`, `businessPhones`, …) and the names Entra's mappings use.
    public static func sourceValues(of user: User) -> [String: JSONValue] {
        var values = Dictionary(user.properties.members, uniquingKeysWith: { $1 })
        values.merge([
            "objectId": .string(user.id), "userPrincipalName": .string(user.userPrincipalName), "accountEnabled": .bool(user.accountEnabled),
            "displayName": .string(user.displayName), "givenName": JSONValue(user.givenName), "surname": JSONValue(user.surname),
            "mail": JSONValue(user.mail), "jobTitle": JSONValue(user.jobTitle), "mailNickname": .string(user.mailNickname),
            // A reference: the manager's id in the directory, resolved to its id in the app by the engine.
            "manager": JSONValue(user.managerId),
            // In scope, Entra's IsSoftDeleted is true exactly when sign-in is blocked.
            "IsSoftDeleted": .bool(!user.accountEnabled),
        ]) { $1 }
        return values
    }

    public static func sourceValues(of group: Group) -> [String: JSONValue] {
        var values = Dictionary(group.properties.members, uniquingKeysWith: { $1 })
        values.merge([
            "objectId": .string(group.id), "displayName": .string(group.displayName), "mailNickname": .string(group.mailNickname),
            "description": JSONValue(group.description),
        ]) { $1 }
        return values
    }

    /// Target attribute path → value, for mappings whose source has a value (`members` is handled separately).
    public static func targetValues(_ mapping: ObjectMapping, source: [String: JSONValue], isNew: Bool) -> [(String, JSONValue)] {
        mapping.attributeMappings.compactMap { attribute in
            guard attribute.targetAttributeName != "members" else { return nil }
            if attribute.flowType == "ObjectAddOnly" && !isNew { return nil }
            guard let value = self.evaluate(attribute.source, source), value != .null else {
                return attribute.defaultValue.map { (attribute.targetAttributeName, .string($0)) }
            }
            return (attribute.targetAttributeName, value)
        }
    }

    /// The target paths of `mapping` that hold references to other users of the job (`manager`): sent as the referenced
    /// user's id in the app, in their own PATCH once that user exists there (Entra's `referenceResolution` step).
    public static func referencePaths(_ mapping: ObjectMapping) -> Set<String> {
        Set(mapping.attributeMappings.filter { $0.source.type == "Attribute" && $0.source.name == "manager" }.map(\.targetAttributeName))
    }

    /// A value as Entra's expressions show it (`True`/`False` for booleans), or nil.
    public static func text(_ value: JSONValue) -> String? { MappingFunction.text(value) }

    /// The value of a mapping source (an attribute, a constant or an expression) for an object's attribute values.
    public static func value(of source: AttributeMappingSource, in values: [String: JSONValue]) -> JSONValue? {
        self.evaluate(source, values)
    }

    static func evaluate(_ source: AttributeMappingSource, _ values: [String: JSONValue]) -> JSONValue? {
        switch source.type {
        case "Constant": return source.name.map(JSONValue.string)
        case "Function":
            guard let function = source.name.flatMap(MappingFunction.init(rawValue:)) else { return nil }
            let arguments = (source.parameters ?? []).map { self.evaluate($0.value, values) }
            guard function.arity.contains(arguments.count) else { return nil }
            return function.apply(arguments)
        default: return source.name.flatMap { values[$0] }
        }
    }

    /// What is wrong with a mapping source (an unknown type or function, a wrong parameter count), or nil.
    public static func problem(in source: AttributeMappingSource) -> String? {
        switch source.type {
        case "Attribute", "Constant":
            return source.name == nil ? "An \(source.type) source needs a name." : nil
        case "Function":
            guard let function = source.name.flatMap(MappingFunction.init(rawValue:)) else {
                let supported = MappingFunction.allCases.map { "\($0.rawValue)()" }.joined(separator: ", ")
                return "Function '\(source.name ?? "")' is not supported; GraphSync evaluates \(supported)."
            }
            let count = source.parameters?.count ?? 0
            if function.name == "Replace", let pattern = source.parameters?.dropFirst(2).first?.value, pattern.type == "Constant",
                pattern.name?.isEmpty == false
            {
                return "Replace() with a regexPattern is not supported; replace plain text (oldValue, replacementValue) instead."
            }
            guard function.arity.contains(count) else {
                return "\(function.rawValue)() takes \(function.arity.lowerBound)\(function.arity.count > 1 ? " to \(function.arity.upperBound)" : "") parameters, not \(count)."
            }
            return (source.parameters ?? []).lazy.compactMap { self.problem(in: $0.value) }.first
        default:
            return "Source type '\(source.type)' is not one of Attribute, Constant or Function."
        }
    }

    /// The first matching attribute (lowest `matchingPriority` above zero): its target path and value.
    public static func matchingAttribute(_ mapping: ObjectMapping, source: [String: JSONValue]) -> (String, String)? {
        mapping.attributeMappings.filter { $0.matchingPriority > 0 }.sorted { $0.matchingPriority < $1.matchingPriority }
            .lazy.compactMap { attribute -> (String, String)? in
                guard case .string(let value)? = self.evaluate(attribute.source, source) else { return nil }
                return (attribute.targetAttributeName, value)
            }.first
    }

    /// A SCIM resource body from target paths: `name.givenName` nests, `emails[type eq "work"].value` becomes a typed
    /// entry (paths with the same type fill one entry: `addresses[type eq "work"].locality` and `.postalCode`), and an
    /// extension's `urn:…:User:department` goes under its schema URN, which joins `schemas`.
    public static func resource(schema: String, values: [(String, JSONValue)], extra: [(String, JSONValue)] = []) -> JSONValue {
        var members: [(String, JSONValue)] = [("schemas", .array([.string(schema)]))]
        var extensions: [String: [(String, JSONValue)]] = [:]
        var extensionOrder: [String] = []
        func set(_ key: String, _ value: JSONValue) {
            if let index = members.firstIndex(where: { $0.0 == key }) { members[index].1 = value } else { members.append((key, value)) }
        }
        for (path, value) in values + extra {
            if path.hasPrefix("urn:"), let colon = path.lastIndex(of: ":"), path[..<colon] != schema {
                let urn = String(path[..<colon])
                if extensions[urn] == nil { extensionOrder.append(urn) }
                extensions[urn, default: []].append((String(path[path.index(after: colon)...]), value))
            } else if let filtered = self.filteredPath(path) {
                var entries = members.first { $0.0 == filtered.attribute }?.1.arrayValue ?? []
                if let index = entries.firstIndex(where: { $0["type"] == .string(filtered.type) }), var entry = entries[index].objectValue {
                    entry.removeAll { $0.0 == filtered.subAttribute }
                    entry.insert((filtered.subAttribute, value), at: max(entry.count - 1, 0))
                    entries[index] = .object(entry)
                } else {
                    entries.append(.object([("type", .string(filtered.type)), (filtered.subAttribute, value), ("primary", .bool(true))]))
                }
                set(filtered.attribute, .array(entries))
            } else if path.hasPrefix("urn:"), let colon = path.lastIndex(of: ":") {
                set(String(path[path.index(after: colon)...]), value)
            } else if let dot = path.firstIndex(of: ".") {
                let parent = String(path[..<dot])
                var object = members.first { $0.0 == parent }?.1.objectValue ?? []
                object.append((String(path[path.index(after: dot)...]), value))
                set(parent, .object(object))
            } else {
                set(path, value)
            }
        }
        if !extensionOrder.isEmpty {
            members[0].1 = .array([.string(schema)] + extensionOrder.map(JSONValue.string))
            for urn in extensionOrder { members.append((urn, .object(extensions[urn] ?? []))) }
        }
        return .object(members)
    }


    /// `emails[type eq "work"].value` → ("emails", "work", "value").
    static func filteredPath(_ path: String) -> (attribute: String, type: String, subAttribute: String)? {
        guard let open = path.firstIndex(of: "["), let close = path.firstIndex(of: "]"), open < close else { return nil }
        let attribute = String(path[..<open])
        let filter = path[path.index(after: open)..<close]
        let parts = filter.split(separator: "\"")
        guard parts.count >= 2 else { return nil }
        let rest = path[path.index(after: close)...]
        return (attribute, String(parts[1]), rest.hasPrefix(".") ? String(rest.dropFirst()) : "value")
    }

    /// The digest of what later cycles compare: `values` without the attributes set only on create (`ObjectAddOnly`),
    /// so an object created with them is not sent again next cycle.
    public static func changeDigest(_ mapping: ObjectMapping, _ values: [(String, JSONValue)], members: [String] = []) -> String {
        let addOnly = Set(mapping.attributeMappings.filter { $0.flowType == "ObjectAddOnly" }.map(\.targetAttributeName))
        return self.digest(addOnly.isEmpty ? values : values.filter { !addOnly.contains($0.0) }, members: members)
    }

    /// A stable digest of exported values, to tell whether an object changed since the last export (FNV-1a 64).
    public static func digest(_ values: [(String, JSONValue)], members: [String] = []) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        let text = values.map { "\($0.0)=\(String(decoding: $0.1.serialized(), as: UTF8.self))" }.joined(separator: "\u{1}")
            + "\u{2}" + members.sorted().joined(separator: ",")
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}
