import Foundation

/// Synchronization jobs, with the lease that makes each job run on exactly one node at a time.
public protocol SynchronizationJobRepository: Sendable {
    func create(_ job: SynchronizationJob) async throws
    func get(id: String) async throws -> SynchronizationJob?
    func list(servicePrincipalId: String) async throws -> [SynchronizationJob]
    /// The jobs of each of these service principals, in one query: service principal id → its jobs (in id order).
    func list(servicePrincipalIds: [String]) async throws -> [String: [SynchronizationJob]]
    func update(_ job: SynchronizationJob) async throws
    /// Saves `job` only while `owner` holds its lease; false when it does not (another node took the job over).
    func update(_ job: SynchronizationJob, leasedBy owner: String) async throws -> Bool
    /// Deletes the job with its provisioned-object state and provisioning log.
    func delete(id: String) async throws -> Bool
    /// In one transaction: records that `node` is alive with `freeSlots` free job slots, reads the cluster's load
    /// (nodes seen within `liveWithin`; jobs due for longer than `overdueAfter` are overdue), asks `howMany` how
    /// many jobs to take, and leases that many due jobs whose lease is free or expired, earliest `nextRun` first.
    func claimDue(
        now: Date, node: String, freeSlots: Int, leaseUntil: Date, liveWithin: TimeInterval, overdueAfter: TimeInterval,
        howMany: @escaping @Sendable (ClusterLoad) -> Int
    ) async throws -> [SynchronizationJob]
    /// Forgets `node` (it is shutting down), so the others stop counting it.
    func leave(node: String) async throws
    /// Extends the lease of a running cycle; false when `owner` no longer holds it (it expired and another node took it).
    func renew(id: String, owner: String, leaseUntil: Date) async throws -> Bool
    /// Gives the lease back.
    func release(id: String, owner: String) async throws
    /// Records a running cycle's progress without touching the rest of the job (a pause during the cycle stays).
    func updateProgress(id: String, progress: [SynchronizationJob.Progress]) async throws
}

extension SynchronizationJobRepository {
    /// Leases one due job for `owner`, whatever the rest of the cluster does, or returns nil.
    public func claimDue(now: Date, owner: String, leaseUntil: Date) async throws -> SynchronizationJob? {
        try await self.claimDue(now: now, node: owner, freeSlots: 1, leaseUntil: leaseUntil, liveWithin: 0, overdueAfter: 0) { $0.due > 0 ? 1 : 0 }.first
    }
}

/// What a job last exported for one directory object (its watermark and escrow state).
public struct ProvisionedObject: Sendable, Codable, Equatable {
    public var id: String { "\(self.jobId)|\(self.sourceId)" }
    public var jobId: String
    public var sourceId: String
    /// `User` or `Group`.
    public var objectType: String
    /// The object's id in the app, once created or matched.
    public var targetId: String?
    /// Digest of the attributes last exported; nil forces a full export next cycle.
    public var exportedHash: String?
    /// For groups: the app ids of the members last exported.
    public var exportedMembers: [String]
    /// The values last exported as the provisioning log shows them (text, passwords redacted): the next update's
    /// `oldValue`s. Nil until an export succeeds (and for states saved before GraphSync kept them).
    public var exportedValues: [String: String]?
    /// False once disabled in the app (out of scope).
    public var active: Bool
    /// Disabled because the directory user was deleted (and can still be restored): the app's user is deleted once the
    /// directory user is purged (Entra's IsSoftDeleted). Nil for a user disabled for leaving scope, whom Entra, and
    /// GraphSync, no longer manage.
    public var deletedInDirectory: Bool?
    public var lastError: String?
    public var errorCount: Int

    /// The object exists in the app and is enabled there.
    public var isInApp: Bool { self.active && self.targetId != nil }

    public init(jobId: String, sourceId: String, objectType: String) {
        self.jobId = jobId
        self.sourceId = sourceId
        self.objectType = objectType
        self.targetId = nil
        self.exportedHash = nil
        self.exportedMembers = []
        self.active = true
        self.lastError = nil
        self.errorCount = 0
    }
}

public protocol ProvisionedObjectRepository: Sendable {
    /// The states of these objects that exist (objects never exported have none).
    func objects(jobId: String, sourceIds: [String]) async throws -> [ProvisionedObject]
    /// One page of the source ids of the job's objects of `objectType` that exist in the app (`isInApp`), in order, after `after`.
    func sourceIdsInApp(jobId: String, objectType: String, after: String?, limit: Int) async throws -> [String]
    /// One page of the source ids of the job's users that are disabled in the app and gone from the directory for good
    /// (neither users nor deleted items), in order, after `after`.
    func disabledPurgedUserIds(jobId: String, after: String?, limit: Int) async throws -> [String]
    /// How many objects of each type exist in the app.
    func countsInApp(jobId: String) async throws -> [String: Int]
    /// Saves several objects in one transaction.
    func save(_ objects: [ProvisionedObject]) async throws
    func delete(jobId: String, sourceId: String) async throws
    /// Restart: forget watermarks (re-export everything), escrows (errors), or everything known about the app.
    func reset(jobId: String, watermarks: Bool, escrows: Bool, connectorData: Bool) async throws
}

/// One line of the provisioning log: what was sent for one object and what came of it (never tokens).
public struct ProvisioningLogEntry: Sendable, Codable, Equatable {
    public var id: String
    public var jobId: String
    public var servicePrincipalId: String
    public var activityDateTime: Date
    public var sourceId: String
    public var sourceDisplayName: String?
    public var objectType: String
    /// `Create`, `Update`, `Disable`, `Delete`, `Match`.
    public var action: String
    /// `success` or `failure`.
    public var status: String
    public var targetId: String?
    public var modifiedProperties: [String]
    /// The values sent for `modifiedProperties`, as text (a password-like attribute shows as `[Redacted]`).
    public var newValues: [String: String]?
    /// For an update, what was exported before for `modifiedProperties` (nil when unknown: a create or a match).
    public var oldValues: [String: String]?
    public var detail: String?

    public init(
        jobId: String, servicePrincipalId: String, sourceId: String, sourceDisplayName: String?, objectType: String, action: String,
        status: String, targetId: String?, modifiedProperties: [String], newValues: [String: String]? = nil, oldValues: [String: String]? = nil, detail: String?,
        at date: Date = Date()
    ) {
        self.id = UUID().uuidString.lowercased()
        self.jobId = jobId
        self.servicePrincipalId = servicePrincipalId
        self.activityDateTime = date
        self.sourceId = sourceId
        self.sourceDisplayName = sourceDisplayName
        self.objectType = objectType
        self.action = action
        self.status = status
        self.targetId = targetId
        self.modifiedProperties = modifiedProperties
        self.newValues = newValues
        self.oldValues = oldValues
        self.detail = detail
    }
}

public protocol ProvisioningLogRepository: Sendable {
    func append(_ entries: [ProvisioningLogEntry]) async throws
    /// Newest first, only entries of jobs within `scope`.
    func list(jobId: String?, top: Int, within scope: AccessScope) async throws -> [ProvisioningLogEntry]
}
