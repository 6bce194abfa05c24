import Foundation

/// Graph's own metadata (CSDL) for the types GraphSync serves: which properties each type has, their types and
/// nullability. Request bodies are checked against it and responses carry its full default property set.
public struct GraphMetadata: Sendable {
    /// A property's type as the metadata writes it.
    public indirect enum TypeReference: Sendable, Equatable, CustomStringConvertible {
        /// `Edm.String`, `Edm.Boolean`, `Edm.Int32`, `Edm.Guid`, `Edm.DateTimeOffset`, ….
        case primitive(String)
        /// A complex or enum type of the `microsoft.graph` namespace, by name.
        case named(String)
        case collection(TypeReference)

        init(parsing text: Substring) {
            if text.hasPrefix("Collection("), text.hasSuffix(")") {
                self = .collection(TypeReference(parsing: text.dropFirst("Collection(".count).dropLast()))
            } else if text.hasPrefix("Edm.") {
                self = .primitive(String(text))
            } else {
                self = .named(String(text))
            }
        }

        public var description: String {
            switch self {
            case .primitive(let name): name
            case .named(let name): "microsoft.graph.\(name)"
            case .collection(let element): "Collection(\(element))"
            }
        }
    }

    public struct Property: Sendable, Equatable {
        public var name: String
        public var type: TypeReference
        public var isNullable: Bool
    }

    /// An entity or complex type; `properties` include those inherited from its base types, base first.
    public struct StructuredType: Sendable {
        public var name: String
        public var isOpen: Bool
        public var properties: [Property]
        /// Navigation properties (relationships such as `owners`), which are not part of the object's own JSON.
        public var navigations: Set<String>

        public func property(_ name: String) -> Property? { self.properties.first { $0.name == name } }
    }

    public let types: [String: StructuredType]
    public let enums: [String: [String]]

    /// Graph v1.0, plus the few beta-only members Terraform's provider uses, as served under both `/v1.0` and `/beta`.
    public static let v1 = GraphMetadata(parsing: GraphMetadata.v1Text + "\n" + GraphMetadata.betaAdditions)

    public func type(_ name: String) -> StructuredType? { self.types[name] }

    /// Reads the one-member-per-line excerpt format (see `GraphMetadata+v1.swift`).
    init(parsing text: String) {
        struct Declared {
            var base: String?
            var isOpen: Bool
            var properties: [Property] = []
            var navigations: Set<String> = []
        }
        var declared: [String: Declared] = [:]
        var enums: [String: [String]] = [:]
        var current: (kind: Substring, name: String)?
        for line in text.split(separator: "\n") {
            if !line.hasPrefix("  ") {
                let words = line.split(separator: " ")
                guard words.count >= 2, ["EntityType", "ComplexType", "EnumType", "Extend"].contains(words[0]) else {
                    current = nil
                    continue
                }
                let name = String(words[1])
                current = (words[0], name)
                if words[0] == "Extend" {
                    continue  // more members for a type declared above
                } else if words[0] == "EnumType" {
                    enums[name] = []
                } else {
                    let base = words.count >= 4 && words[2] == ":" ? String(words[3]) : nil
                    declared[name] = Declared(base: base, isOpen: words.last == "(open)")
                }
                continue
            }
            guard let (kind, name) = current else { continue }
            let member = line.trimmingPrefix("  ")
            if kind == "EnumType" {
                if member.hasPrefix("members: ") {
                    enums[name] = member.dropFirst("members: ".count).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                }
            } else if member.hasPrefix("-> ") {
                if let colon = member.firstIndex(of: ":") { declared[name]?.navigations.insert(String(member.dropFirst(3)[..<colon])) }
            } else if let colon = member.firstIndex(of: ":") {
                let propertyName = String(member[..<colon])
                var typeText = member[member.index(after: colon)...].trimmingCharacters(in: .whitespaces)[...]
                let nullable = typeText.hasSuffix(" ?")
                if nullable { typeText = typeText.dropLast(2) }
                declared[name]?.properties.append(Property(name: propertyName, type: TypeReference(parsing: typeText), isNullable: nullable))
            }
        }
        var types: [String: StructuredType] = [:]
        for (name, type) in declared {
            var chain = [type]
            var base = type.base
            while let next = base, let declaration = declared[next], chain.count < 16 {
                chain.insert(declaration, at: 0)
                base = declaration.base
            }
            types[name] = StructuredType(
                name: name, isOpen: type.isOpen, properties: chain.flatMap(\.properties),
                navigations: chain.reduce(into: []) { $0.formUnion($1.navigations) })
        }
        self.types = types
        self.enums = enums
    }
}
