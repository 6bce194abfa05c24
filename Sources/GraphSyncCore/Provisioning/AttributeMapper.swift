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

    /// Target attribute path → value, for mappings whose source has a value (`members` is handled separately). Throws
    /// when an expression fails for this object (the object is escrowed; others go on).
    public static func targetValues(_ mapping: ObjectMapping, source: [String: JSONValue], isNew: Bool) throws(MappingEvaluationError) -> [(String, JSONValue)] {
        var values: [(String, JSONValue)] = []
        for attribute in mapping.attributeMappings where attribute.targetAttributeName != "members" {
            if attribute.flowType == "ObjectAddOnly" && !isNew { continue }
            guard let value = try self.evaluate(attribute.source, source, target: attribute.targetAttributeName), value != .null else {
                if let fallback = attribute.defaultValue { values.append((attribute.targetAttributeName, .string(fallback))) }
                continue
            }
            values.append((attribute.targetAttributeName, value))
        }
        return values
    }

    /// The target paths of `mapping` that hold references to other users of the job (`manager`): sent as the referenced
    /// user's id in the app, in their own PATCH once that user exists there (Entra's `referenceResolution` step).
    public static func referencePaths(_ mapping: ObjectMapping) -> Set<String> {
        Set(mapping.attributeMappings.filter { $0.source.type == "Attribute" && $0.source.name == "manager" }.map(\.targetAttributeName))
    }

    /// A value as Entra's expressions show it (`True`/`False` for booleans), or nil.
    public static func text(_ value: JSONValue) -> String? { MappingFunction.text(value) }

    /// The value of a mapping source (an attribute, a constant or an expression) for an object's attribute values,
    /// evaluated under a `MappingEvaluationBudget`.
    public static func value(of source: AttributeMappingSource, in values: [String: JSONValue]) throws(MappingEvaluationError) -> JSONValue? {
        var budget = MappingEvaluationBudget()
        return try self.evaluate(source, values, budget: &budget)
    }

    /// `value(of:in:)` for the mapping to `target`, whose name a failure then carries.
    static func evaluate(_ source: AttributeMappingSource, _ values: [String: JSONValue], target: String) throws(MappingEvaluationError) -> JSONValue? {
        do {
            return try self.value(of: source, in: values)
        } catch {
            throw MappingEvaluationError(message: "The mapping to '\(target)' failed: \(error.message)")
        }
    }

    static func evaluate(_ source: AttributeMappingSource, _ values: [String: JSONValue], budget: inout MappingEvaluationBudget) throws(MappingEvaluationError) -> JSONValue? {
        switch source.type {
        case "Constant": return source.name.map(JSONValue.string)
        case "Function":
            guard let function = source.name.flatMap(MappingFunction.init(rawValue:)) else { return nil }
            var arguments: [JSONValue?] = []
            for parameter in source.parameters ?? [] { arguments.append(try self.evaluate(parameter.value, values, budget: &budget)) }
            try budget.call(function.name, arguments: arguments)
            guard function.arity.contains(arguments.count) else { return nil }
            let result = try function.apply(arguments)
            try budget.produced(result, by: function.name)
            return result
        default: return source.name.flatMap { values[$0] }
        }
    }

    /// What is wrong with a mapping source (an unknown type or function, a wrong parameter count), or nil.
    public static func problem(in source: AttributeMappingSource) -> String? {
        self.structuralProblem(in: source, depth: 0) ?? self.constantProblem(in: source)
    }

    /// Nesting a saved expression may have: what `MappingExpression.parse` allows.
    static let maximumDepth = 32

    /// An unknown type or function, a wrong parameter count, nesting past `maximumDepth`, or constant arguments a
    /// function refuses.
    static func structuralProblem(in source: AttributeMappingSource, depth: Int) -> String? {
        guard depth < self.maximumDepth else { return "The expression nests deeper than \(self.maximumDepth) functions." }
        switch source.type {
        case "Attribute", "Constant":
            return source.name == nil ? "An \(source.type) source needs a name." : nil
        case "Function":
            guard let function = source.name.flatMap(MappingFunction.init(rawValue:)) else {
                let supported = MappingFunction.allCases.map { "\($0.rawValue)()" }.joined(separator: ", ")
                return "Function '\(source.name?.prefix(100) ?? "")' is not supported; GraphSync evaluates \(supported)."
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
            // A loop, not `lazy.compactMap(…).first`, which evaluates the element it finds twice: 2^depth calls.
            for parameter in source.parameters ?? [] {
                if let problem = self.structuralProblem(in: parameter.value, depth: depth + 1) { return problem }
            }
            let constants = (source.parameters ?? []).map { $0.value.type == "Constant" ? $0.value.name : nil }
            return function.checkConstants?(constants)
        default:
            return "Source type '\(source.type.prefix(100))' is not one of Attribute, Constant or Function."
        }
    }

    /// A call on constants alone has one value whatever the object: it must have it. Each largest such call is
    /// evaluated once.
    static func constantProblem(in source: AttributeMappingSource) -> String? {
        guard source.type == "Function" else { return nil }
        guard self.isConstant(source) else {
            for parameter in source.parameters ?? [] {
                if let problem = self.constantProblem(in: parameter.value) { return problem }
            }
            return nil
        }
        do {
            _ = try self.value(of: source, in: [:])
            return nil
        } catch {
            return error.message
        }
    }

    /// Whether a source is a constant, or a function of constants alone.
    static func isConstant(_ source: AttributeMappingSource) -> Bool {
        switch source.type {
        case "Constant": true
        case "Function": (source.parameters ?? []).allSatisfy { self.isConstant($0.value) }
        default: false
        }
    }

    /// The first matching attribute (lowest `matchingPriority` above zero): its target path and value. Throws when
    /// its expression fails for this object.
    public static func matchingAttribute(_ mapping: ObjectMapping, source: [String: JSONValue]) throws(MappingEvaluationError) -> (String, String)? {
        for attribute in mapping.attributeMappings.filter({ $0.matchingPriority > 0 }).sorted(by: { $0.matchingPriority < $1.matchingPriority }) {
            if case .string(let value)? = try self.evaluate(attribute.source, source, target: attribute.targetAttributeName) {
                return (attribute.targetAttributeName, value)
            }
        }
        return nil
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
