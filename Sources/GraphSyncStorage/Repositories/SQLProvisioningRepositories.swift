import Foundation
import GraphSyncCore
import SQLKit

extension Tables {
    static let jobs = DocumentTable<SynchronizationJob>(
        name: "synchronization_jobs", fields: [:],
        columnValues: { [("service_principal_id", $0.servicePrincipalId.lowercased()), ("next_run_at", $0.nextRun?.timeIntervalSince1970)] },
        id: \.id)

    static let provisionedObjects = DocumentTable<ProvisionedObject>(
        name: "provisioned_objects", fields: [:],
        columnValues: { [("job_id", $0.jobId), ("object_type", $0.objectType), ("in_app", $0.isInApp ? 1 : 0)] }, id: \.id)

    static let provisioningLog = DocumentTable<ProvisioningLogEntry>(
        name: "provisioning_log", fields: [:],
        columnValues: { [("job_id", $0.jobId), ("activity_time", $0.activityDateTime.timeIntervalSince1970)] }, id: \.id)
}

/// Synchronization jobs in SQL. The lease is a conditional UPDATE, so on PostgreSQL several nodes can share the table.
public struct SQLSynchronizationJobRepository: SynchronizationJobRepository {
    let database: any SQLDatabaseProvider

    public init(database: any SQLDatabaseProvider) { self.database = database }

    public func create(_ job: SynchronizationJob) async throws {
        try await self.database.write { try await Tables.jobs.insert(job, on: $0) }
    }

    public func get(id: String) async throws -> SynchronizationJob? {
        try await self.database.read { try await Tables.jobs.first(where: "id", equals: id, on: $0) }
    }

    public func list(servicePrincipalId: String) async throws -> [SynchronizationJob] {
        try await self.database.read { try await Tables.jobs.all(where: "service_principal_id", equals: servicePrincipalId.lowercased(), on: $0) }
    }

    public func list(servicePrincipalIds: [String]) async throws -> [String: [SynchronizationJob]] {
        let jobs = try await self.database.read {
            try await Tables.jobs.all(where: "service_principal_id", in: servicePrincipalIds.map { $0.lowercased() }, on: $0)
        }
        return Dictionary(grouping: jobs) { $0.servicePrincipalId.lowercased() }
    }

    public func update(_ job: SynchronizationJob) async throws {
        try await self.database.write { try await Tables.jobs.update(job, on: $0) }
    }

    public func update(_ job: SynchronizationJob, leasedBy owner: String) async throws -> Bool {
        try await self.database.write { db in
            let row = try await db.select().column("lease_owner").from("synchronization_jobs").where("id", .equal, SQLBind(job.id)).first()
            guard try row?.decode(column: "lease_owner", as: String?.self) == owner else { return false }
            try await Tables.jobs.update(job, on: db)
            return true
        }
    }

    public func delete(id: String) async throws -> Bool {
        try await self.database.write { db in
            guard try await Tables.jobs.exists(id: id, on: db) else { return false }
            try await db.delete(from: "provisioned_objects").where("job_id", .equal, SQLBind(id)).run()
            try await db.delete(from: "provisioning_log").where("job_id", .equal, SQLBind(id)).run()
            try await Tables.jobs.delete(where: "id", equals: id, on: db)
            return true
        }
    }

    public func claimDue(
        now: Date, node: String, freeSlots: Int, leaseUntil: Date, liveWithin: TimeInterval, overdueAfter: TimeInterval,
        howMany: @escaping @Sendable (ClusterLoad) -> Int
    ) async throws -> [SynchronizationJob] {
        let seconds = now.timeIntervalSince1970
        return try await self.database.write { db in
            try await db.insert(into: "scheduler_nodes").columns("id", "host", "free_slots", "seen_at")
                .values(SQLBind(node), SQLBind(Self.hostName), SQLBind(freeSlots), SQLBind(seconds))
                .onConflict(with: ["id"]) { $0.set(excludedValueOf: "free_slots").set(excludedValueOf: "seen_at") }.run()
            // Nodes silent for a day are gone for good (a node that shuts down cleanly leaves at once).
            try await db.delete(from: "scheduler_nodes").where("seen_at", .lessThan, SQLBind(seconds - 86_400)).run()

            let load = try await Self.load(on: db, node: node, now: seconds, liveWithin: liveWithin, overdueAfter: overdueAfter)
            let count = howMany(load)
            guard count > 0 else { return [] }
            // One statement claims them: the lease condition is checked again on each row the UPDATE takes.
            return try await db.update("synchronization_jobs")
                .set("lease_owner", to: SQLBind(node)).set("lease_until", to: SQLBind(leaseUntil.timeIntervalSince1970))
                .where(SQLQueryString("""
                    id IN (SELECT id FROM synchronization_jobs WHERE \(Self.waiting(at: seconds)) ORDER BY next_run_at, id \
                    LIMIT \(bind: count))
                    """))
                .where(Self.leaseFree(at: seconds))
                .returning("document").all()
                .map { try DocumentTable<SynchronizationJob>.decode($0) }
                .sorted { ($0.nextRun ?? .distantPast, $0.id) < ($1.nextRun ?? .distantPast, $1.id) }
        }
    }

    /// No unexpired lease on the job at `seconds`.
    private static func leaseFree(at seconds: Double) -> SQLQueryString {
        SQLQueryString("(lease_until IS NULL OR lease_until < \(bind: seconds))")
    }

    /// Due at `seconds` and held by nobody.
    private static func waiting(at seconds: Double) -> SQLQueryString {
        SQLQueryString("next_run_at <= \(bind: seconds) AND \(Self.leaseFree(at: seconds))")
    }

    /// This machine's name, shown beside its nodes' ids in `scheduler_nodes` (read once: it may need a lookup).
    private static let hostName = ProcessInfo.processInfo.hostName

    /// The cluster as `node` sees it at `now`.
    private static func load(
        on db: any SQLDatabase, node: String, now seconds: Double, liveWithin: TimeInterval, overdueAfter: TimeInterval
    ) async throws -> ClusterLoad {
        let nodes = try await db.select().column("id").column("free_slots").from("scheduler_nodes")
            .where("seen_at", .greaterThanOrEqual, SQLBind(seconds - liveWithin)).all()
        var liveNodes = 1, freeElsewhere = 0
        for row in nodes where try row.decode(column: "id", as: String.self) != node {
            liveNodes += 1
            freeElsewhere += max(0, try row.decode(column: "free_slots", as: Int.self))
        }
        let leases = try await db.select().column("lease_owner").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from("synchronization_jobs").where("lease_until", .greaterThanOrEqual, SQLBind(seconds))
            .groupBy("lease_owner").all()
        var running = 0, runningHere = 0
        for row in leases {
            let n = try row.decode(column: "n", as: Int.self)
            running += n
            if try row.decode(column: "lease_owner", as: String?.self) == node { runningHere = n }
        }
        let waiting = try await db.select().column("next_run_at").from("synchronization_jobs").where(Self.waiting(at: seconds)).all()
            .map { try $0.decode(column: "next_run_at", as: Double.self) }
        return ClusterLoad(
            liveNodes: liveNodes, running: running, runningHere: runningHere, due: waiting.count, freeSlotsElsewhere: freeElsewhere,
            overdue: waiting.filter { $0 < seconds - overdueAfter }.count)
    }

    public func leave(node: String) async throws {
        try await self.database.write { try await $0.delete(from: "scheduler_nodes").where("id", .equal, SQLBind(node)).run() }
    }

    public func renew(id: String, owner: String, leaseUntil: Date) async throws -> Bool {
        try await self.database.write { db in
            try await db.update("synchronization_jobs").set("lease_until", to: SQLBind(leaseUntil.timeIntervalSince1970))
                .where("id", .equal, SQLBind(id)).where("lease_owner", .equal, SQLBind(owner)).run()
            let row = try await db.select().column("lease_owner").from("synchronization_jobs").where("id", .equal, SQLBind(id)).first()
            return try row?.decode(column: "lease_owner", as: String?.self) == owner
        }
    }

    public func updateProgress(id: String, progress: [SynchronizationJob.Progress]) async throws {
        try await self.database.write { db in
            guard var job = try await Tables.jobs.first(where: "id", equals: id, on: db) else { return }
            job.status.progress = progress
            try await Tables.jobs.update(job, on: db)
        }
    }

    public func release(id: String, owner: String) async throws {
        try await self.database.write { db in
            try await db.update("synchronization_jobs").set("lease_owner", to: SQLLiteral.null).set("lease_until", to: SQLLiteral.null)
                .where("id", .equal, SQLBind(id)).where("lease_owner", .equal, SQLBind(owner)).run()
        }
    }
}

/// Per-object provisioning state in SQL.
public struct SQLProvisionedObjectRepository: ProvisionedObjectRepository {
    let database: any SQLDatabaseProvider

    public init(database: any SQLDatabaseProvider) { self.database = database }

    /// Largest number of ids bound in one `IN (…)`.
    private static let lookupChunk = 500

    public func objects(jobId: String, sourceIds: [String]) async throws -> [ProvisionedObject] {
        var found: [ProvisionedObject] = []
        for start in stride(from: 0, to: sourceIds.count, by: Self.lookupChunk) {
            let ids = sourceIds[start..<min(start + Self.lookupChunk, sourceIds.count)].map { "\(jobId)|\($0)" }
            found += try await self.database.read { db in
                try await db.select().column("document").from("provisioned_objects").where("id", .in, ids).all()
                    .map { try DocumentTable<ProvisionedObject>.decode($0) }
            }
        }
        return found
    }

    public func sourceIdsInApp(jobId: String, objectType: String, after: String?, limit: Int) async throws -> [String] {
        try await self.sourceIds(jobId: jobId, objectType: objectType, inApp: true, after: after, limit: limit)
    }

    public func disabledPurgedUserIds(jobId: String, after: String?, limit: Int) async throws -> [String] {
        // The source id is the part of the row id after `jobId|`.
        let sourceId = "substr(provisioned_objects.id, length(provisioned_objects.job_id) + 2)"
        return try await self.sourceIds(jobId: jobId, objectType: "User", inApp: false, after: after, limit: limit) { select in
            select.where(SQLQueryString("NOT EXISTS (SELECT 1 FROM users WHERE users.id = \(unsafeRaw: sourceId))"))
                .where(SQLQueryString("NOT EXISTS (SELECT 1 FROM deleted_items WHERE deleted_items.id = \(unsafeRaw: sourceId))"))
        }
    }

    private func sourceIds(
        jobId: String, objectType: String, inApp: Bool, after: String?, limit: Int,
        narrowed: @escaping @Sendable (SQLSelectBuilder) -> SQLSelectBuilder = { $0 }
    ) async throws -> [String] {
        let prefix = "\(jobId)|"
        return try await self.database.read { db in
            try await narrowed(Self.page(on: db, jobId: jobId, objectType: objectType, inApp: inApp, after: after, limit: limit)).all()
                .map { String(try $0.decode(column: "id", as: String.self).dropFirst(prefix.count)) }
        }
    }

    /// One page of a job's object ids of `objectType`, in or out of the app, after `after`: served in order by the
    /// index `provisioned_objects_pages` (migration 14), so a page costs its own rows, not the job's.
    static func page(on db: any SQLDatabase, jobId: String, objectType: String, inApp: Bool, after: String?, limit: Int) -> SQLSelectBuilder {
        // Ids are `jobId|sourceId`: within the job, id order is source-id order under any collation.
        db.select().column("id").from("provisioned_objects")
            .where("job_id", .equal, SQLBind(jobId)).where("object_type", .equal, SQLBind(objectType))
            .where("in_app", .equal, SQLBind(inApp ? 1 : 0)).where("id", .greaterThan, SQLBind("\(jobId)|\(after ?? "")"))
            .orderBy("id").limit(limit)
    }

    public func countsInApp(jobId: String) async throws -> [String: Int] {
        try await self.database.read { db in
            let rows = try await db.select().column("object_type").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "count")
                .from("provisioned_objects").where("job_id", .equal, SQLBind(jobId)).where("in_app", .equal, SQLBind(1))
                .groupBy("object_type").all()
            var counts: [String: Int] = [:]
            for row in rows { counts[try row.decode(column: "object_type", as: String.self)] = try row.decode(column: "count", as: Int.self) }
            return counts
        }
    }

    public func save(_ objects: [ProvisionedObject]) async throws {
        guard !objects.isEmpty else { return }
        try await self.database.write { try await Tables.provisionedObjects.upsert(objects, on: $0) }
    }

    public func delete(jobId: String, sourceId: String) async throws {
        try await self.database.write { try await Tables.provisionedObjects.delete(where: "id", equals: "\(jobId)|\(sourceId)", on: $0) }
    }

    public func reset(jobId: String, watermarks: Bool, escrows: Bool, connectorData: Bool) async throws {
        try await self.database.write { db in
            if connectorData {
                try await db.delete(from: "provisioned_objects").where("job_id", .equal, SQLBind(jobId)).run()
                return
            }
            var after = "\(jobId)|"
            while true {
                let rows = try await db.select().column("document").from("provisioned_objects")
                    .where("job_id", .equal, SQLBind(jobId)).where("id", .greaterThan, SQLBind(after))
                    .orderBy("id").limit(Self.lookupChunk).all()
                var objects = try rows.map { try DocumentTable<ProvisionedObject>.decode($0) }
                guard let last = objects.last else { break }
                for index in objects.indices {
                    if watermarks { objects[index].exportedHash = nil }
                    if escrows {
                        objects[index].lastError = nil
                        objects[index].errorCount = 0
                    }
                }
                try await Tables.provisionedObjects.upsert(objects, on: db)
                after = last.id
            }
        }
    }
}

/// The provisioning log in SQL.
public struct SQLProvisioningLogRepository: ProvisioningLogRepository {
    let database: any SQLDatabaseProvider

    public init(database: any SQLDatabaseProvider) { self.database = database }

    public func append(_ entries: [ProvisioningLogEntry]) async throws {
        guard !entries.isEmpty else { return }
        try await self.database.write { try await Tables.provisioningLog.insert(entries, on: $0) }
    }

    public func list(jobId: String?, top: Int, within scope: AccessScope) async throws -> [ProvisioningLogEntry] {
        try await self.database.read { db in
            let select = db.select().column("document").from("provisioning_log")
            if let jobId { select.where("job_id", .equal, SQLBind(jobId)) }
            if let owner = scope.ownerId {
                select.where(SQLQueryString(
                    "job_id IN (SELECT j.id FROM synchronization_jobs j JOIN owners o ON o.object_id = j.service_principal_id WHERE o.owner_id = \(bind: owner))"))
            }
            return try await select.orderBy("activity_time", .descending).limit(top).all().map { try DocumentTable<ProvisioningLogEntry>.decode($0) }
        }
    }
}
