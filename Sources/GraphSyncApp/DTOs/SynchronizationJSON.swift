import Foundation
import GraphSyncCore

/// Graph JSON of synchronization jobs, templates and the provisioning log.
enum SynchronizationJSON {
    static let never = "0001-01-01T00:00:00Z"

    static func job(_ job: SynchronizationJob) -> JSONValue {
        .object([
            ("id", .string(job.id)),
            ("templateId", .string(job.templateId)),
            ("schedule", .object([
                ("expiration", JSONValue(job.schedule.expiration)), ("interval", .string(self.duration(job.schedule.interval))),
                ("state", .string(job.schedule.state)),
            ])),
            ("status", self.status(job.status)),
            ("synchronizationJobSettings", .array(job.deletionThreshold.map {
                [.object([("name", .string("QuarantineTooManyDeletesThreshold")), ("value", .string(String($0)))])]
            } ?? [])),
        ])
    }

    static func status(_ status: SynchronizationJob.Status) -> JSONValue {
        let progress: [JSONValue] = status.progress.map(self.progress)
        let counts: [JSONValue] = status.synchronizedEntryCountByType.sorted { $0.key < $1.key }.map(self.count)
        let first: JSONValue = status.steadyStateFirstAchievedTime.map { JSONValue($0) } ?? .string(self.never)
        let last: JSONValue = status.steadyStateLastAchievedTime.map { JSONValue($0) } ?? .string(self.never)
        var members: [(String, JSONValue)] = []
        members.append(("code", .string(status.code)))
        members.append(("countSuccessiveCompleteFailures", .number(Double(status.countSuccessiveCompleteFailures))))
        members.append(("escrowsPruned", .bool(status.escrowsPruned)))
        members.append(("lastExecution", status.lastExecution.map(self.execution) ?? .null))
        members.append(("lastSuccessfulExecution", status.lastSuccessfulExecution.map(self.execution) ?? .null))
        members.append(("lastSuccessfulExecutionWithExports", status.lastSuccessfulExecutionWithExports.map(self.execution) ?? .null))
        members.append(("progress", .array(progress)))
        members.append(("quarantine", status.quarantine.map(self.quarantine) ?? .null))
        members.append(("steadyStateFirstAchievedTime", first))
        members.append(("steadyStateLastAchievedTime", last))
        members.append(("synchronizedEntryCountByType", .array(counts)))
        members.append(("troubleshootingUrl", .null))
        return .object(members)
    }

    static func progress(_ progress: SynchronizationJob.Progress) -> JSONValue {
        .object([
            ("completedUnits", .number(Double(progress.completedUnits))), ("progressObservationDateTime", JSONValue(progress.progressObservationDateTime)),
            ("totalUnits", .number(Double(progress.totalUnits))), ("units", .string(progress.units)),
        ])
    }

    /// Entra names the counts by mapping, `{source object} to {Target object}`: `user to User`, `group to Group`.
    static func count(_ entry: (key: String, value: Int)) -> JSONValue {
        .object([("key", .string("\(entry.key.lowercased()) to \(entry.key)")), ("value", .number(Double(entry.value)))])
    }

    static func quarantine(_ quarantine: SynchronizationJob.Quarantine) -> JSONValue {
        .object([
            ("currentBegan", JSONValue(quarantine.currentBegan)), ("nextAttempt", JSONValue(quarantine.nextAttempt)),
            ("reason", .string(quarantine.reason)), ("seriesBegan", JSONValue(quarantine.seriesBegan)),
            ("seriesCount", .number(Double(quarantine.seriesCount))), ("error", quarantine.error.map(self.error) ?? .null),
        ])
    }

    static func execution(_ execution: SynchronizationJob.TaskExecution) -> JSONValue {
        .object([
            ("activityIdentifier", .string(execution.activityIdentifier)),
            ("countEntitled", .number(Double(execution.countEntitled))),
            ("countEntitledForProvisioning", .number(Double(execution.countEntitled))),
            ("countEscrowed", .number(Double(execution.countEscrowed))),
            ("countEscrowedRaw", .number(Double(execution.countEscrowed))),
            ("countExported", .number(Double(execution.countExported))),
            ("countExports", .number(Double(execution.countExported))),
            ("countImported", .number(Double(execution.countEntitled))),
            ("countImportedDeltas", .number(0)),
            ("countImportedReferenceDeltas", .number(0)),
            ("error", execution.error.map(self.error) ?? .null),
            ("state", .string(execution.state)),
            ("timeBegan", JSONValue(execution.timeBegan)),
            ("timeEnded", JSONValue(execution.timeEnded)),
        ])
    }

    static func error(_ error: SynchronizationJobError) -> JSONValue {
        .object([("code", .string(error.code)), ("message", .string(error.message)), ("tenantActionable", .bool(error.tenantActionable))])
    }

    static func template(_ template: SynchronizationTemplate, applicationId: String) -> JSONValue {
        .object([
            ("id", .string(template.id)), ("applicationId", .string(applicationId)), ("default", .bool(template.isDefault)),
            ("description", .string(template.description)), ("discoverable", .bool(template.discoverable)),
            ("factoryTag", .string(template.factoryTag)), ("metadata", .array(template.metadata.map { .object([("key", .string($0.key)), ("value", .string($0.value))]) })),
            ("schema", self.schema(template.schema)),
        ])
    }

    /// The schema through its Codable form, whose property names are Graph's.
    static let shape = GraphShape()

    /// A schema as Graph returns it: every member of the metadata's types, `null` or `[]` where unset.
    static func schema(_ schema: SynchronizationSchema) -> JSONValue {
        guard let encoded = try? JSONValue.parse(JSONEncoder().encode(schema)), let members = encoded.objectValue else { return .null }
        let directories = schema.directories.map(self.directory)
        let rest = self.shape.complete(members.filter { $0.0 != "directories" }, of: "synchronizationSchema").objectValue ?? []
        return .object(rest + [("directories", .array(directories))])
    }

    /// One directory definition, every member present.
    static func directory(_ directory: DirectoryDefinition) -> JSONValue {
        guard let encoded = try? JSONValue.parse(JSONEncoder().encode(directory)) else { return .null }
        return self.shape.complete(encoded.objectValue ?? [], of: "directoryDefinition")
    }

    /// One mapping source (`attributeMappingSource`), every member present.
    static func mappingSource(_ source: AttributeMappingSource) -> JSONValue {
        guard let encoded = try? JSONValue.parse(JSONEncoder().encode(source)) else { return .null }
        return self.shape.complete(encoded.objectValue ?? [], of: "attributeMappingSource")
    }

    /// A schema from a PUT body: checked against the metadata, completed with Graph's defaults, then decoded.
    static func schema(reading members: [(String, JSONValue)]) throws -> SynchronizationSchema {
        let given = members.filter { !$0.0.hasPrefix("@odata.") }
        let directories = given.first { $0.0 == "directories" }?.1 ?? .array([])
        guard case .array(let directoryValues) = directories else {
            throw GraphError.badRequest("Property 'directories' must be an array of directoryDefinition objects.")
        }
        var completedDirectories: [JSONValue] = []
        do {
            try self.shape.check(given.filter { $0.0 != "directories" }, of: "synchronizationSchema")
            for (index, directory) in directoryValues.enumerated() {
                guard case .object(let directoryMembers) = directory else {
                    throw GraphShape.Mismatch(message: "Property 'directories[\(index)]' must be a directoryDefinition object.")
                }
                try self.shape.check(directoryMembers, of: "directoryDefinition")
                completedDirectories.append(self.shape.complete(directoryMembers, of: "directoryDefinition"))
            }
        } catch let error as GraphShape.Mismatch {
            throw GraphError.badRequest("The schema is not a valid synchronizationSchema: \(error.message)")
        }
        var completed = self.shape.complete(given.filter { $0.0 != "directories" }, of: "synchronizationSchema").objectValue ?? []
        completed.append(("directories", .array(completedDirectories)))
        do {
            return try JSONDecoder().decode(SynchronizationSchema.self, from: Data(JSONValue.object(completed).serialized()))
        } catch let DecodingError.valueNotFound(_, context) {
            throw GraphError.badRequest("The schema needs a value at '\(Self.path(context.codingPath))'.")
        } catch let DecodingError.keyNotFound(key, context) {
            throw GraphError.badRequest("The schema needs a value at '\(Self.path(context.codingPath + [key]))'.")
        } catch let DecodingError.typeMismatch(_, context) {
            throw GraphError.badRequest("The schema has a value of the wrong type at '\(Self.path(context.codingPath))'.")
        } catch {
            throw GraphError.badRequest("The schema is not a valid synchronizationSchema.")
        }
    }

    /// `synchronizationRules[0].objectMappings[1].sourceObjectName`.
    private static func path(_ keys: [any CodingKey]) -> String {
        keys.reduce(into: "") { text, key in
            if let index = key.intValue { text += "[\(index)]" } else { text += text.isEmpty ? key.stringValue : ".\(key.stringValue)" }
        }
    }

    static func logEntry(_ entry: ProvisioningLogEntry) -> JSONValue {
        .object([
            ("id", .string(entry.id)), ("activityDateTime", JSONValue(entry.activityDateTime)), ("jobId", .string(entry.jobId)),
            ("changeId", .string(entry.id)), ("cycleId", .null),
            ("provisioningAction", .string(self.provisioningAction(entry.action))),
            ("provisioningStatusInfo", .object([
                ("status", .string(entry.status)),
                ("errorInformation", entry.detail.map { .object([("reason", .string($0))]) } ?? .null),
            ])),
            ("servicePrincipal", .object([("id", .string(entry.servicePrincipalId))])),
            ("sourceIdentity", .object([("id", .string(entry.sourceId)), ("displayName", JSONValue(entry.sourceDisplayName)),
                                        ("identityType", .string(entry.objectType))])),
            ("targetIdentity", .object([("id", JSONValue(entry.targetId)), ("identityType", .string(entry.objectType))])),
            ("modifiedProperties", self.modifiedProperties(of: entry)),
            ("provisioningSteps", .array(ProvisionOnDemandJSON.steps(
                .init(objectId: entry.sourceId, objectType: entry.objectType, entry: entry, began: entry.activityDateTime),
                status: entry.status == "success" ? "Success" : entry.status == "skipped" ? "Skipped" : "Failure",
                name: entry.sourceDisplayName ?? entry.sourceId, at: entry.activityDateTime))),
            ("sourceSystem", ProvisionOnDemandJSON.sourceSystem),
            ("targetSystem", ProvisionOnDemandJSON.targetSystem),
        ])
    }

    /// An engine action as a member of Graph's `provisioningAction` enum (`other, create, delete, disable, update,
    /// stagedDelete`): matching an existing object and skipping one are `other`.
    /// `modifiedProperty` values: each attribute sent, with what an update replaced (`null` when not known).
    static func modifiedProperties(of entry: ProvisioningLogEntry) -> JSONValue {
        .array(entry.modifiedProperties.map {
            .object([("displayName", .string($0)), ("oldValue", JSONValue(entry.oldValues?[$0])), ("newValue", JSONValue(entry.newValues?[$0]))])
        })
    }

    static func provisioningAction(_ action: String) -> String {
        let lowered = action.lowercased()
        return ["create", "delete", "disable", "update", "stageddelete"].contains(lowered) ? (lowered == "stageddelete" ? "stagedDelete" : lowered) : "other"
    }

    /// ISO 8601 duration (`PT40M`); a never-started interval shows .NET's `TimeSpan.MaxValue` as Graph does.
    static func duration(_ seconds: TimeInterval) -> String {
        guard seconds.isFinite, seconds < 9e14 else { return "P10675199DT2H48M5.4775807S" }
        var remaining = Int(seconds)
        let days = remaining / 86_400
        remaining %= 86_400
        let hours = remaining / 3600, minutes = (remaining % 3600) / 60, secs = remaining % 60
        var text = "P" + (days > 0 ? "\(days)D" : "")
        if hours + minutes + secs > 0 || days == 0 {
            text += "T" + (hours > 0 ? "\(hours)H" : "") + (minutes > 0 ? "\(minutes)M" : "") + (secs > 0 || (hours + minutes == 0) ? "\(secs)S" : "")
        }
        return text
    }
}
