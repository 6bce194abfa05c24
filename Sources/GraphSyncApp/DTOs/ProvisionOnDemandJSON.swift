import Foundation
import GraphSyncCore

/// provisionOnDemand's answer as Graph gives it: a `stringKeyStringValuePair` whose `key` is the outcome
/// (`{"result","details"}`) and whose `value` is the provisioning record (steps, status, identities, systems), each a
/// JSON document in a string.
enum ProvisionOnDemandJSON {
    struct Subject {
        var objectId: String
        var objectType: String
        /// What the engine did, or nil when the object is not in the job's scope.
        var entry: ProvisioningLogEntry?
        var began: Date
    }

    /// One subject: Graph's shape. Several (GraphSync accepts up to 5): `value` holds an array of records, in order.
    static func answer(_ subjects: [Subject], targetObjectName: (String) -> String?) -> JSONValue {
        let outcomes = subjects.map(self.outcome)
        let records = subjects.map { self.record($0, targetObjectName: targetObjectName($0.objectType)) }
        let key = outcomes.count == 1 ? outcomes[0] : .object([
            ("result", .string(outcomes.allSatisfy { $0["result"] == .string("Success") } ? "Success" : "Failure")),
            ("details", .object([("subjects", .array(outcomes))])),
        ])
        let value = records.count == 1 ? records[0] : .array(records)
        return .object([("key", .string(self.text(key))), ("value", .string(self.text(value)))])
    }

    static func outcome(_ subject: Subject) -> JSONValue {
        guard let entry = subject.entry else {
            return .object([("result", .string("Skipped")), ("details", .object([
                ("errorCode", .string("NotEffectivelyEntitled")),
                ("errorMessage", .string("The object is not in scope: assign it (or a group it belongs to) to the application.")),
            ]))])
        }
        switch entry.status {
        case "success": return .object([("result", .string("Success")), ("details", .object([]))])
        case "skipped":
            return .object([("result", .string("Skipped")), ("details", .object([
                ("errorCode", .string("RedundantExport")), ("errorMessage", JSONValue(entry.detail ?? "Already up to date in the app.")),
            ]))])
        default:
            return .object([("result", .string("Failure")), ("details", .object([
                ("errorCode", .string("ExportFailed")), ("errorMessage", JSONValue(entry.detail)),
            ]))])
        }
    }

    static func record(_ subject: Subject, targetObjectName: String?) -> JSONValue {
        let entry = subject.entry
        let ended = entry?.activityDateTime ?? Date()
        let status = entry.map { $0.status == "success" ? "Success" : $0.status == "skipped" ? "Skipped" : "Failure" } ?? "Skipped"
        let name = entry?.sourceDisplayName ?? subject.objectId
        let steps = self.steps(subject, status: status, name: name, at: ended)
        return .object([
            ("action", .string(SynchronizationJSON.provisioningAction(entry?.action ?? "Other").capitalizedFirst)),
            ("changeId", .string(entry?.id ?? UUID().uuidString.lowercased())),
            ("startTime", JSONValue(subject.began)), ("endTime", JSONValue(ended)),
            ("modifiedProperties", entry.map(SynchronizationJSON.modifiedProperties(of:)) ?? .array([])),
            ("provisioningSteps", .array(steps)),
            ("reportableIdentifier", .string(name)),
            ("statusInfo", .object([("status", .string(status)), ("errorCode", .null), ("reason", JSONValue(status == "Failure" ? entry?.detail : nil)),
                                    ("additionalDetails", .null), ("errorCategory", .null), ("recommendedAction", .null)])),
            ("sourceIdentity", .object([("id", .string(subject.objectId)), ("type", .string(subject.objectType)),
                                        ("displayName", JSONValue(entry?.sourceDisplayName)), ("details", .null)])),
            ("sourceSystem", self.sourceSystem),
            ("targetIdentity", .object([("id", JSONValue(entry?.targetId)), ("type", JSONValue(targetObjectName)), ("displayName", .null), ("details", .null)])),
            ("targetSystem", self.targetSystem),
        ])
    }

    /// The record's `provisioningSteps`: import, matching, scoping, export, as Entra lists them.
    static func steps(_ subject: Subject, status: String, name: String, at ended: Date) -> [JSONValue] {
        let entry = subject.entry
        func step(_ name: String, _ type: String, _ status: String, _ description: String, _ details: [(String, JSONValue)]) -> JSONValue {
            .object([("name", .string(name)), ("type", .string(type)), ("status", .string(status)), ("description", .string(description)),
                     ("timestamp", JSONValue(ended)), ("details", .object(details))])
        }
        var steps = [
            step("EntryImport", "Import", "Success", "Retrieved \(subject.objectType) '\(name)' from Azure Active Directory",
                 [("objectId", .string(subject.objectId))]),
        ]
        if let entry {
            steps.append(step("EntryImport", "Matching", "Success",
                              entry.action == "Create" || entry.targetId == nil
                                  ? "No matching object in the app" : "Retrieved '\(name)' from the app (id \(entry.targetId ?? ""))",
                              [("id", JSONValue(entry.targetId))]))
        }
        steps.append(step("EntrySynchronizationScoping", "Scoping", entry == nil ? "Skipped" : "Success",
                          "Determine if \(subject.objectType) in scope by evaluating against each scoping filter",
                          [("IsEffectivelyEntitledForProvisioning", .string(entry == nil ? "False" : "True"))]))
        if let entry {
            steps.append(step(entry.status == "skipped" ? "EntrySynchronizationSkip" : "EntryExport", "Export", status,
                              entry.detail ?? "\(entry.action) \(subject.objectType) '\(name)' in the app", []))
        }
        return steps
    }

    /// Graph's systems of a provisioning record.
    static let sourceSystem: JSONValue = .object([("id", .null), ("name", .string("Azure Active Directory")), ("details", .null)])
    static let targetSystem: JSONValue = .object([("id", .null), ("name", .string("customappsso")), ("details", .null)])

    static func text(_ value: JSONValue) -> String { String(decoding: value.serialized(), as: UTF8.self) }
}

extension String {
    /// `create` → `Create`.
    var capitalizedFirst: String { self.prefix(1).uppercased() + self.dropFirst() }
}
