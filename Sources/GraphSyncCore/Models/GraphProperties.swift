import Foundation

/// The Graph properties of a directory object that GraphSync stores as they were sent rather than as typed fields:
/// everything its metadata defines beyond what the domain model uses, in the order first set.
public struct GraphProperties: Sendable, Hashable, Codable {
    public var members: [(String, JSONValue)]

    public init(_ members: [(String, JSONValue)] = []) {
        self.members = members
    }

    public subscript(name: String) -> JSONValue? {
        get { self.members.first { $0.0 == name }?.1 }
        set {
            let index = self.members.firstIndex { $0.0 == name }
            switch (index, newValue) {
            case (let index?, let value?): self.members[index].1 = value
            case (let index?, nil): self.members.remove(at: index)
            case (nil, let value?): self.members.append((name, value))
            case (nil, nil): break
            }
        }
    }

    public static func == (lhs: GraphProperties, rhs: GraphProperties) -> Bool { JSONValue.object(lhs.members) == .object(rhs.members) }

    public func hash(into hasher: inout Hasher) { hasher.combine(JSONValue.object(self.members)) }

    public init(from decoder: any Decoder) throws {
        guard case .object(let members) = try JSONValue(from: decoder) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "Graph properties must be an object."))
        }
        self.members = members
    }

    public func encode(to encoder: any Encoder) throws { try JSONValue.object(self.members).encode(to: encoder) }
}

extension KeyedDecodingContainer {
    /// Documents stored before a model had its `GraphProperties` decode with none.
    public func decode(_ type: GraphProperties.Type, forKey key: Key) throws -> GraphProperties {
        try self.decodeIfPresent(type, forKey: key) ?? GraphProperties()
    }
}

extension JSONValue: Hashable, Codable {
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let value): hasher.combine(value)
        case .number(let value): hasher.combine(value)
        case .string(let value): hasher.combine(value)
        case .array(let items): hasher.combine(items)
        case .object(let members):
            hasher.combine(members.count)
            for (key, value) in members {
                hasher.combine(key)
                hasher.combine(value)
            }
        }
    }

    public init(from decoder: any Decoder) throws {
        if var array = try? decoder.unkeyedContainer() {
            var items: [JSONValue] = []
            while !array.isAtEnd { items.append(try array.decode(JSONValue.self)) }
            self = .array(items)
        } else if let object = try? decoder.container(keyedBy: AnyKey.self) {
            // Foundation's decoder does not keep key order; stored members are reordered by the metadata when served.
            self = .object(try object.allKeys.map { ($0.stringValue, try object.decode(JSONValue.self, forKey: $0)) })
        } else {
            let single = try decoder.singleValueContainer()
            if single.decodeNil() {
                self = .null
            } else if let flag = try? single.decode(Bool.self) {
                self = .bool(flag)
            } else if let number = try? single.decode(Double.self) {
                self = .number(number)
            } else {
                self = .string(try single.decode(String.self))
            }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var single = encoder.singleValueContainer()
            try single.encodeNil()
        case .bool(let value):
            var single = encoder.singleValueContainer()
            try single.encode(value)
        case .number(let value):
            var single = encoder.singleValueContainer()
            try single.encode(value)
        case .string(let value):
            var single = encoder.singleValueContainer()
            try single.encode(value)
        case .array(let items):
            var array = encoder.unkeyedContainer()
            for item in items { try array.encode(item) }
        case .object(let members):
            var object = encoder.container(keyedBy: AnyKey.self)
            for (key, value) in members { try object.encode(value, forKey: AnyKey(key)) }
        }
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { self.stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
