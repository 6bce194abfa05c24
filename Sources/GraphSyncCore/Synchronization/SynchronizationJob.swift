import Foundation

/// A synchronization job (`synchronizationJob`): one template's schema running on a schedule for a service principal.
public struct SynchronizationJob: Sendable, Codable, Equatable {
    public var id: String
    public var servicePrincipalId: String
    public var templateId: String
    public var schedule: Schedule
    public var status: Status
    public var schema: SynchronizationSchema
    /// When the scheduler should run the next cycle (nil: not scheduled).
    public var nextRun: Date?
    /// Accidental-deletion prevention (Entra's `QuarantineTooManyDeletesThreshold`): a cycle that would disable or
    /// delete more users than this stops before doing so; nil turns it off.
    public var deletionThreshold: Int?
    /// Set by a restart with `ForceDeletes`: the next cycle goes ahead whatever the threshold, once.
    public var forceDeletes: Bool?
    /// Cycles begun since the last one recorded (success or failure): one that ended without being recorded stopped
    /// with its node (a crash). See `ProvisioningEngine.beginCycle`.
    public var unrecordedCycles: Int?

    /// The threshold new jobs start with (the value Entra's jobs show).
    public static let defaultDeletionThreshold = 500

    public struct Schedule: Sendable, Codable, Equatable {
        public var expiration: Date?
        /// Seconds between cycles (`interval`, an ISO 8601 duration on the wire).
        public var interval: TimeInterval
        /// `Active`, `Disabled` or `Paused`.
        public var state: String
    }

    public struct Status: Sendable, Codable, Equatable {
        /// `NotConfigured`, `NotRun`, `Active`, `Paused` or `Quarantine`.
        public var code: String = "NotRun"
        public var countSuccessiveCompleteFailures: Int = 0
        public var escrowsPruned = false
        public var lastExecution: TaskExecution?
        public var lastSuccessfulExecution: TaskExecution?
        public var lastSuccessfulExecutionWithExports: TaskExecution?
        public var progress: [Progress] = []
        public var quarantine: Quarantine?
        public var steadyStateFirstAchievedTime: Date?
        public var steadyStateLastAchievedTime: Date?
        /// Objects currently provisioned, by type (`User`, `Group`).
        public var synchronizedEntryCountByType: [String: Int] = [:]

        public init() {}
    }

    public struct TaskExecution: Sendable, Codable, Equatable {
        public var activityIdentifier: String
        public var countEntitled = 0
        public var countEscrowed = 0
        public var countExported = 0
        public var countImported = 0
        public var error: SynchronizationJobError?
        /// `Succeeded`, `Failed` or `EntryLevelErrors`.
        public var state: String
        public var timeBegan: Date
        public var timeEnded: Date

        public init(activityIdentifier: String, state: String, timeBegan: Date, timeEnded: Date) {
            self.activityIdentifier = activityIdentifier
            self.state = state
            self.timeBegan = timeBegan
            self.timeEnded = timeEnded
        }
    }

    public struct Progress: Sendable, Codable, Equatable {
        public var completedUnits: Int
        public var totalUnits: Int
        public var units: String
        public var progressObservationDateTime: Date
    }

    public struct Quarantine: Sendable, Codable, Equatable {
        public var currentBegan: Date
        public var nextAttempt: Date
        /// `EncounteredQuarantineException`, `EncounteredEscrowProportionThreshold`, …
        public var reason: String
        public var seriesBegan: Date
        public var seriesCount: Int
        public var error: SynchronizationJobError?
    }

    /// The scheduling interval of a job that was never started (.NET `TimeSpan.MaxValue`, as Graph shows it).
    public static let unsetInterval: TimeInterval = .greatestFiniteMagnitude
}

/// `synchronizationError`: what went wrong, and whether the tenant can fix it.
public struct SynchronizationJobError: Sendable, Codable, Equatable {
    public var code: String
    public var message: String
    public var tenantActionable: Bool

    public init(code: String, message: String, tenantActionable: Bool) {
        self.code = code
        self.message = message
        self.tenantActionable = tenantActionable
    }
}
