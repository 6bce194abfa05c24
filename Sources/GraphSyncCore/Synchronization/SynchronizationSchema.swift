import Foundation

/// A synchronization schema (`synchronizationSchema`): which objects flow from the directory to the app, and how each
/// attribute is mapped. Property names are Graph's, so the JSON of this type is the Graph payload.
public struct SynchronizationSchema: Sendable, Codable, Equatable {
    public var id: String?
    public var version: String?
    public var synchronizationRules: [SynchronizationRule]
    public var directories: [DirectoryDefinition]

    public init(id: String? = nil, version: String? = nil, synchronizationRules: [SynchronizationRule], directories: [DirectoryDefinition]) {
        self.id = id
        self.version = version
        self.synchronizationRules = synchronizationRules
        self.directories = directories
    }

    /// The enabled mapping whose source object is `sourceObjectName` (`User`, `Group`).
    public func objectMapping(for sourceObjectName: String) -> ObjectMapping? {
        self.synchronizationRules.lazy.flatMap(\.objectMappings)
            .first { $0.enabled && $0.sourceObjectName.caseInsensitiveCompare(sourceObjectName) == .orderedSame }
    }
}

public struct SynchronizationRule: Sendable, Codable, Equatable {
    public var id: String
    public var name: String
    public var editable: Bool
    public var priority: Int
    public var sourceDirectoryName: String
    public var targetDirectoryName: String
    public var objectMappings: [ObjectMapping]
}

public struct ObjectMapping: Sendable, Codable, Equatable {
    public var name: String
    public var enabled: Bool
    /// `Add, Update, Delete` (flags, comma-separated as Graph serializes them).
    public var flowTypes: String
    public var sourceObjectName: String
    public var targetObjectName: String
    public var attributeMappings: [AttributeMapping]
    /// Scoping filters: only objects that pass them are provisioned (nil or no groups: every object in scope).
    public var scope: ScopingFilter? = nil
    /// Graph's `objectMappingMetadataEntry` list, kept as given.
    public var metadata: [MetadataEntry]? = nil
}

/// A key–value metadata entry of a schema object.
public struct MetadataEntry: Sendable, Codable, Equatable {
    public var key: String
    public var value: String?
}

public struct AttributeMapping: Sendable, Codable, Equatable {
    public var source: AttributeMappingSource
    public var targetAttributeName: String
    /// Greater than zero makes the attribute a matching attribute, tried from the lowest value upward.
    public var matchingPriority: Int
    /// `Always` or `ObjectAddOnly`.
    public var flowType: String
    public var flowBehavior: String
    public var defaultValue: String?
    public var exportMissingReferences: Bool

    public init(source: AttributeMappingSource, target: String, matchingPriority: Int = 0, flowType: String = "Always") {
        self.source = source
        self.targetAttributeName = target
        self.matchingPriority = matchingPriority
        self.flowType = flowType
        self.flowBehavior = "FlowWhenChanged"
        self.defaultValue = nil
        self.exportMissingReferences = false
    }
}

public struct AttributeMappingSource: Sendable, Codable, Equatable {
    /// `Attribute`, `Constant` or `Function`.
    public var type: String
    public var name: String?
    public var expression: String?
    public var parameters: [AttributeMappingParameter]?

    public static func attribute(_ name: String) -> AttributeMappingSource {
        AttributeMappingSource(type: "Attribute", name: name, expression: "[\(name)]", parameters: [])
    }

    public static func constant(_ value: String) -> AttributeMappingSource {
        AttributeMappingSource(type: "Constant", name: value, expression: "\"\(value)\"", parameters: [])
    }

    /// `Not([source])` (e.g. soft-deleted → active).
    public static func not(_ inner: AttributeMappingSource) -> AttributeMappingSource {
        self.function("Not", [inner])
    }

    /// `Name(parameter1, parameter2, …)`, its parameters keyed `source`, `source2`, … (GraphSync reads them in order).
    public static func function(_ name: String, _ parameters: [AttributeMappingSource]) -> AttributeMappingSource {
        AttributeMappingSource(
            type: "Function", name: name, expression: "\(name)(\(parameters.map { $0.expression ?? "" }.joined(separator: ", ")))",
            parameters: parameters.enumerated().map { AttributeMappingParameter(key: $0.offset == 0 ? "source" : "source\($0.offset + 1)", value: $0.element) })
    }
}

public struct AttributeMappingParameter: Sendable, Codable, Equatable {
    public var key: String
    public var value: AttributeMappingSource
}

/// A directory's object and attribute definitions (`directoryDefinition`), kept for Graph fidelity.
public struct DirectoryDefinition: Sendable, Codable, Equatable {
    public var id: String
    public var name: String
    public var objects: [ObjectDefinition]
    public var readOnly: Bool
    public var discoverabilities: String
}

public struct ObjectDefinition: Sendable, Codable, Equatable {
    public var name: String
    public var attributes: [AttributeDefinition]
    public var supportedApis: [String]
}

public struct AttributeDefinition: Sendable, Codable, Equatable {
    public var name: String
    public var type: String
    public var multivalued: Bool
    public var required: Bool
    public var anchor: Bool
    public var caseExact: Bool
    public var mutability: String
    public var flowNullValues: Bool

    public init(_ name: String, type: String = "String", anchor: Bool = false, required: Bool = false, multivalued: Bool = false) {
        self.name = name
        self.type = type
        self.multivalued = multivalued
        self.required = required
        self.anchor = anchor
        self.caseExact = false
        self.mutability = "ReadWrite"
        self.flowNullValues = false
    }
}

extension SynchronizationSchema {
    /// Attribute mappings one object mapping may have (each is evaluated for every object of every cycle).
    public static let maximumAttributeMappings = 256

    /// What is wrong with the schema's object mappings (a scoping filter, an attribute expression), or nil.
    public var problem: String? {
        for rule in self.synchronizationRules {
            for mapping in rule.objectMappings {
                if let problem = mapping.scope?.problem { return "The object mapping '\(mapping.name)': \(problem)" }
                guard mapping.attributeMappings.count <= Self.maximumAttributeMappings else {
                    return "The object mapping '\(mapping.name)' has \(mapping.attributeMappings.count) attribute mappings; at most \(Self.maximumAttributeMappings) are allowed."
                }
                for attribute in mapping.attributeMappings {
                    if let problem = AttributeMapper.problem(in: attribute.source) {
                        return "The mapping to '\(attribute.targetAttributeName)': \(problem)"
                    }
                }
            }
        }
        return nil
    }
}
