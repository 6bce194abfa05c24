import Foundation

/// Graph's shapes from its metadata: checks request values against a type, fills a stored object out to the full
/// default property set Graph returns (`null`, `[]` or `false` where unset), and applies a PATCH to stored values.
public struct GraphShape: Sendable {
    public let metadata: GraphMetadata

    /// Each type's properties in order with what an unset one answers, worked out once (responses are built from them on
    /// every read).
    private let slots: [String: [Slot]]

    struct Slot: Sendable {
        let name: String
        let type: GraphMetadata.TypeReference
        let unset: JSONValue
    }

    public init(metadata: GraphMetadata = .v1) {
        let plain = GraphShape(metadata: metadata, slots: [:])
        var slots: [String: [Slot]] = [:]
        for (name, type) in metadata.types {
            slots[name] = type.properties.filter { $0.type != .primitive("Edm.Stream") }
                .map { Slot(name: $0.name, type: $0.type, unset: plain.defaultValue($0)) }
        }
        self.init(metadata: metadata, slots: slots)
    }

    private init(metadata: GraphMetadata, slots: [String: [Slot]]) {
        self.metadata = metadata
        self.slots = slots
    }

    /// A request value that does not fit the metadata, with a message that names the property.
    public struct Mismatch: Error, Sendable, Equatable {
        public var message: String
        public init(message: String) { self.message = message }
    }

    // MARK: Checking

    /// Checks a request body's `members` as properties of `typeName`; OData annotations (`@odata.type`) are ignored.
    public func check(_ members: [(String, JSONValue)], of typeName: String) throws(Mismatch) {
        guard let type = self.metadata.type(typeName) else { throw Mismatch(message: "Type '\(typeName)' is not known.") }
        try self.check(members, of: type, at: "")
    }

    /// How deep a value kept under an open type may nest (the stored document wraps it further, and decoders stop at 512).
    static let openValueDepth = 16

    private func check(_ members: [(String, JSONValue)], of type: GraphMetadata.StructuredType, at path: String) throws(Mismatch) {
        for (name, value) in members where !name.hasPrefix("@odata.") {
            guard let property = type.property(name) else {
                if type.isOpen && path != "" {
                    guard Self.depth(of: value) <= Self.openValueDepth, Self.allNumbersFinite(value) else {
                        throw Mismatch(message: "Property '\(path)\(name)' nests deeper than \(Self.openValueDepth) levels or holds a number JSON cannot carry.")
                    }
                    continue
                }
                throw Mismatch(message:
                    "Property '\(path)\(name)' does not exist on type 'microsoft.graph.\(type.name)'. Make sure to only use property names that are defined by the type.")
            }
            try self.check(value, as: property.type, nullable: property.isNullable, at: path + name)
        }
    }

    private func check(_ value: JSONValue, as type: GraphMetadata.TypeReference, nullable: Bool, at path: String) throws(Mismatch) {
        if case .null = value {
            // On a collection, the metadata's nullability is its elements'; a null collection is taken as empty.
            if case .collection = type { return }
            guard nullable else { throw Mismatch(message: "Property '\(path)' cannot be null: its type is '\(type)'.") }
            return
        }
        switch type {
        case .collection(let element):
            guard case .array(let items) = value else { throw self.mismatch(value, type, path) }
            for (index, item) in items.enumerated() {
                try self.check(item, as: element, nullable: nullable, at: "\(path)[\(index)]")
            }
        case .named(let name):
            if let members = self.metadata.enums[name] {
                // Flags enums (`objectFlowTypes`) combine members with commas: "Add, Update, Delete".
                guard case .string(let text) = value, !text.isEmpty,
                    text.split(separator: ",").allSatisfy({ part in
                        members.contains { $0.caseInsensitiveCompare(part.trimmingCharacters(in: .whitespaces)) == .orderedSame }
                    })
                else {
                    throw Mismatch(message: "Property '\(path)' must be one of \(members.joined(separator: ", ")) (type 'microsoft.graph.\(name)').")
                }
            } else if let complex = self.metadata.type(name) {
                guard case .object(let members) = value else { throw self.mismatch(value, type, path) }
                try self.check(members, of: complex, at: path + ".")
            }
        case .primitive(let name):
            guard Self.fits(value, primitive: name) else { throw self.mismatch(value, type, path) }
        }
    }

    private func mismatch(_ value: JSONValue, _ type: GraphMetadata.TypeReference, _ path: String) -> Mismatch {
        let literal: String
        switch value {
        case .string(let text): literal = "'\(text.prefix(64))'"
        case .number(let number): literal = "'\(number)'"
        case .bool(let flag): literal = "'\(flag)'"
        default: literal = "of type \(value.typeName)"
        }
        return Mismatch(message: "Property '\(path)': cannot convert the literal \(literal) to the expected type '\(type)'.")
    }

    static func fits(_ value: JSONValue, primitive: String) -> Bool {
        switch (primitive, value) {
        case ("Edm.Boolean", .bool): true
        case ("Edm.Int32", .number(let n)): n == n.rounded() && n >= Double(Int32.min) && n <= Double(Int32.max)
        case ("Edm.Int64", .number(let n)): n == n.rounded() && abs(n) <= 9_007_199_254_740_992
        case ("Edm.Double", .number(let n)): n.isFinite
        case ("Edm.Single", .number(let n)): n.isFinite && abs(n) <= Double(Float.greatestFiniteMagnitude)
        case ("Edm.Guid", .string(let text)): UUID(uuidString: text) != nil
        case ("Edm.DateTimeOffset", .string(let text)): GraphDate.parse(text) != nil
        case ("Edm.Date", .string(let text)): text.count == 10 && GraphDate.parse(text + "T00:00:00Z") != nil
        case ("Edm.Binary", .string(let text)): Data(base64Encoded: text) != nil
        case ("Edm.String", .string), ("Edm.Duration", .string), ("Edm.TimeOfDay", .string): true
        default: false
        }
    }

    static func depth(of value: JSONValue) -> Int {
        switch value {
        case .array(let items): 1 + (items.map(Self.depth).max() ?? 0)
        case .object(let members): 1 + (members.map { Self.depth(of: $0.1) }.max() ?? 0)
        default: 0
        }
    }

    static func allNumbersFinite(_ value: JSONValue) -> Bool {
        switch value {
        case .number(let n): n.isFinite
        case .array(let items): items.allSatisfy(Self.allNumbersFinite)
        case .object(let members): members.allSatisfy { Self.allNumbersFinite($0.1) }
        default: true
        }
    }

    // MARK: Defaults

    /// `members` filled out to every property of `typeName`, in the metadata's order: given values as they are (complex
    /// values filled out too), unset ones as Graph answers them. Navigation properties and streams are left out.
    public func complete(_ members: [(String, JSONValue)], of typeName: String) -> JSONValue {
        guard let type = self.metadata.type(typeName) else { return .object(members) }
        var given: [String: JSONValue] = [:]
        given.reserveCapacity(members.count)
        for (name, value) in members { given[name] = value }
        var result: [(String, JSONValue)] = []
        let slots = self.slots[typeName] ?? type.properties.filter { $0.type != .primitive("Edm.Stream") }
            .map { Slot(name: $0.name, type: $0.type, unset: self.defaultValue($0)) }
        result.reserveCapacity(slots.count)
        for slot in slots {
            if let value = given.removeValue(forKey: slot.name) {
                result.append((slot.name, self.completeValue(value, as: slot.type)))
            } else {
                result.append((slot.name, slot.unset))
            }
        }
        if type.isOpen && !given.isEmpty {
            // Members an open type was given beyond its declared ones, in their given order.
            result += members.filter { given[$0.0] != nil && !$0.0.hasPrefix("@odata.") }
        }
        return .object(result)
    }

    private func completeValue(_ value: JSONValue, as type: GraphMetadata.TypeReference) -> JSONValue {
        switch (type, value) {
        case (.collection(let element), .array(let items)): .array(items.map { self.completeValue($0, as: element) })
        case (.named(let name), .object(let members)) where self.metadata.type(name) != nil: self.complete(members, of: name)
        default: value
        }
    }

    /// What Graph answers for a property that was never set.
    public func defaultValue(_ property: GraphMetadata.Property) -> JSONValue {
        if case .collection = property.type { return .array([]) }
        if property.isNullable { return .null }
        switch property.type {
        case .primitive("Edm.Boolean"): return .bool(false)
        case .primitive("Edm.Int32"), .primitive("Edm.Int64"), .primitive("Edm.Double"): return .number(0)
        case .named(let name) where self.metadata.type(name) != nil: return self.complete([], of: name)
        // A required enum defaults to its first member (`Always`, `FlowWhenChanged`, `Attribute`, `ReadWrite`, …).
        case .named(let name): return self.metadata.enums[name]?.first.map(JSONValue.string) ?? .null
        default: return .null
        }
    }

    // MARK: Updates

    /// A PATCH applied to stored members: complex values merge property by property (OData's PATCH semantics for complex
    /// properties), anything else (collections included) is replaced.
    public func merge(_ patch: [(String, JSONValue)], into stored: [(String, JSONValue)], of typeName: String) -> [(String, JSONValue)] {
        let type = self.metadata.type(typeName)
        var result = stored
        for (name, value) in patch where !name.hasPrefix("@odata.") {
            let index = result.firstIndex { $0.0 == name }
            var merged = value
            if case .null = value, case .collection = type?.property(name)?.type { merged = .array([]) }
            if case .object(let members) = value, let index, case .object(let old) = result[index].1,
                case .named(let complexName) = type?.property(name)?.type, self.metadata.type(complexName) != nil
            {
                merged = .object(self.merge(members, into: old, of: complexName))
            }
            if let index { result[index].1 = merged } else { result.append((name, merged)) }
        }
        return result
    }
}
