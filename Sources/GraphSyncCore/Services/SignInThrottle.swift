import Foundation
import Synchronization

/// Smart lockout for password sign-ins (the password grant and the sign-in page), modelled on Entra's.
///
/// - Each source address may fail `addressFailuresPerMinute` times a minute across all accounts (password spraying) and
///   have `addressAttemptsInFlight` sign-ins being checked at once; past either it is throttled (429, AADSTS50196).
/// - After `threshold` failures an account is locked for `lockout` (doubling with each further lockout, up to
///   `maximumLockout`), and even the right password is refused meanwhile (AADSTS50053). Repeating one of the last three
///   wrong passwords does not count again.
/// - Familiar addresses: an address an account signed in from has a lockout of its own for that account, and the
///   account's sign-ins from it are not throttled by what others do there; failures from every other address share the
///   account's unfamiliar lockout. Guesses from elsewhere cannot lock a person out where they sign in, and a flood of
///   made-up names cannot either.
///
/// An attempt is reserved before its password is checked (`begin`) and settled after (`end`), so concurrent guesses
/// count as they start. Unknown names are tracked like real ones, so the answers do not tell which accounts exist. The
/// state is in memory, per node, and bounded (`capacity` accounts and addresses, `familiarAddresses` per account).
public final class SignInThrottle: Sendable {
    public struct Settings: Sendable {
        public var threshold = 10
        public var lockout: TimeInterval = 60
        public var maximumLockout: TimeInterval = 3600
        public var addressFailuresPerMinute = 60
        public var addressAttemptsInFlight = 8
        /// Addresses remembered per account as familiar (the most recent successful sign-ins).
        public var familiarAddresses = 8
        /// Accounts, and addresses, tracked at most.
        public var capacity = 50_000
        public init() {}
    }

    /// A sign-in being checked, to settle with `end`.
    public struct Attempt: Sendable {
        let address: String
        let account: String
        let familiar: Bool
    }

    /// One lockout counter: an account's unfamiliar one, or one of its familiar addresses'.
    private struct Lockout {
        var failures = 0
        var pending = 0
        var lockouts = 0
        var lockedUntil: Date?
        var lastFailure: Date?
        var recentWrongPasswords: [Int] = []
        /// For a familiar address: when the account last signed in from it.
        var lastSuccess: Date?
    }

    private struct Account {
        var unfamiliar = Lockout()
        var familiar: [String: Lockout] = [:]
        var lastSeen: Date
        var isBusy: Bool { ([self.unfamiliar] + self.familiar.values).contains { $0.pending > 0 } }
        func isLocked(_ now: Date) -> Bool { ([self.unfamiliar] + self.familiar.values).contains { ($0.lockedUntil ?? .distantPast) > now } }
    }

    private struct Address {
        var windowStart: Date
        var failures = 0
        var pending = 0
    }

    private struct State {
        var accounts: [String: Account] = [:]
        var addresses: [String: Address] = [:]
    }

    public let settings: Settings
    private let state = Mutex(State())

    public init(settings: Settings = Settings()) { self.settings = settings }

    /// Reserves a sign-in, or throws when the address is throttled or the account locked for it (before any password
    /// is checked).
    public func begin(address source: SourceAddress, username: String, now: Date = Date()) throws -> Attempt {
        let name = username.lowercased()
        return try self.state.withLock { state in
            self.evictIfFull(&state, now: now)
            var account = state.accounts[name] ?? Account(lastSeen: now)
            let familiar = account.familiar[source.key] != nil
            var address = state.addresses[source.key] ?? Address(windowStart: now)
            if now.timeIntervalSince(address.windowStart) >= 60 { address = Address(windowStart: now, pending: address.pending) }
            let full = state.addresses[source.key] == nil && state.addresses.count >= self.settings.capacity
            if !familiar, full || address.failures + address.pending >= self.settings.addressFailuresPerMinute
                || address.pending >= self.settings.addressAttemptsInFlight
            {
                let wait = max(1, address.windowStart.addingTimeInterval(60).timeIntervalSince(now))
                throw TokenRequestError(
                    .invalidRequest, aadsts: 50_196, "AADSTS50196: Too many sign-ins from this address; try again after \(Int(wait.rounded(.up))) seconds.",
                    httpStatus: 429, retryAfter: wait)
            }
            var lockout = familiar ? account.familiar[source.key] ?? Lockout() : account.unfamiliar
            if let lockedUntil = lockout.lockedUntil, lockedUntil > now { throw Self.locked }
            // Attempts being checked count as failures, so a burst of concurrent guesses cannot overrun the threshold.
            if lockout.failures + lockout.pending >= self.settings.threshold { throw Self.locked }
            lockout.pending += 1
            if familiar { account.familiar[source.key] = lockout } else { account.unfamiliar = lockout }
            account.lastSeen = now
            address.pending += 1
            state.accounts[name] = account
            state.addresses[source.key] = address
            return Attempt(address: source.key, account: name, familiar: familiar)
        }
    }

    /// Settles a reserved sign-in: a success clears the failures it was counted against and makes its address familiar
    /// to the account; a failure counts (once per wrong password).
    public func end(_ attempt: Attempt, succeeded: Bool, password: String, now: Date = Date()) {
        var hasher = Hasher()
        hasher.combine(password)
        let fingerprint = hasher.finalize()
        self.state.withLock { state in
            if var address = state.addresses[attempt.address] {
                address.pending = max(0, address.pending - 1)
                if !succeeded { address.failures += 1 }
                state.addresses[attempt.address] = address
            }
            guard var account = state.accounts[attempt.account] else { return }
            var lockout = (attempt.familiar ? account.familiar[attempt.address] : account.unfamiliar) ?? Lockout()
            lockout.pending = max(0, lockout.pending - 1)
            if succeeded {
                lockout.failures = 0
                lockout.recentWrongPasswords = []
                if !attempt.familiar { account.unfamiliar = lockout }
                var familiar = attempt.familiar ? lockout : Lockout()
                familiar.lastSuccess = now
                account.familiar[attempt.address] = familiar
                while account.familiar.count > max(1, self.settings.familiarAddresses),
                    let oldest = account.familiar.filter({ $0.key != attempt.address }).min(by: { ($0.value.lastSuccess ?? .distantPast) < ($1.value.lastSuccess ?? .distantPast) })
                {
                    account.familiar[oldest.key] = nil
                }
            } else {
                if !lockout.recentWrongPasswords.contains(fingerprint) {
                    lockout.recentWrongPasswords = Array((lockout.recentWrongPasswords + [fingerprint]).suffix(3))
                    lockout.failures += 1
                    lockout.lastFailure = now
                    if lockout.failures >= self.settings.threshold {
                        let duration = min(self.settings.lockout * pow(2, Double(lockout.lockouts)), self.settings.maximumLockout)
                        lockout.lockedUntil = now.addingTimeInterval(duration)
                        lockout.lockouts += 1
                        // One more failure after the lockout ends locks the account again.
                        lockout.failures = self.settings.threshold - 1
                    }
                }
                if attempt.familiar { account.familiar[attempt.address] = lockout } else { account.unfamiliar = lockout }
            }
            state.accounts[attempt.account] = account
        }
    }

    /// Clears the account's lockouts whose failures all came before `date` (an administrator unlocked it then), keeping
    /// its familiar addresses; whether any was cleared.
    @discardableResult
    public func clear(username: String, failedBefore date: Date) -> Bool {
        self.state.withLock { state in
            guard var account = state.accounts[username.lowercased()] else { return false }
            var cleared = false
            func reset(_ lockout: inout Lockout) {
                guard let last = lockout.lastFailure, last <= date else { return }
                lockout = Lockout(pending: lockout.pending, lastSuccess: lockout.lastSuccess)
                cleared = true
            }
            reset(&account.unfamiliar)
            for key in Array(account.familiar.keys) { reset(&account.familiar[key]!) }
            state.accounts[username.lowercased()] = account
            return cleared
        }
    }

    /// How many accounts and addresses are tracked (each bounded by about `capacity`).
    var tracked: (accounts: Int, addresses: Int) { self.state.withLock { ($0.accounts.count, $0.addresses.count) } }

    private static let locked = TokenRequestError(
        .invalidGrant, aadsts: 50_053,
        "AADSTS50053: The account is locked, you've tried to sign in too many times with an incorrect user ID or password.")

    /// When the tables are full: forgets the addresses whose minute has passed, and the least recently seen half of the
    /// accounts, locked and busy ones last (so a spray of made-up names cannot grow the table without bound either).
    private func evictIfFull(_ state: inout State, now: Date) {
        if state.addresses.count >= self.settings.capacity {
            state.addresses = state.addresses.filter { $0.value.pending > 0 || now.timeIntervalSince($0.value.windowStart) < 60 }
        }
        guard state.accounts.count >= self.settings.capacity else { return }
        let ranked = state.accounts.sorted { first, second in
            let (a, b) = (first.value.isBusy || first.value.isLocked(now), second.value.isBusy || second.value.isLocked(now))
            return a != b ? a : first.value.lastSeen > second.value.lastSeen
        }
        state.accounts = Dictionary(uniqueKeysWithValues: ranked.prefix(self.settings.capacity / 2).map { ($0.key, $0.value) })
    }
}
