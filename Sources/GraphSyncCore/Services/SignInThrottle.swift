import Foundation
import Synchronization

/// Smart lockout for the password grant, modelled on Entra's: after `threshold` failed sign-ins an account is locked
/// for `lockout` (doubling with each further lockout, up to `maximumLockout`), and even the right password is refused
/// meanwhile (AADSTS50053). Repeating one of the last three wrong passwords does not count again. Each client may fail
/// at most `clientFailuresPerMinute` times a minute across all accounts (password spraying), and have at most
/// `clientAttemptsInFlight` sign-ins being checked at once; past either it is throttled (429).
///
/// An attempt is reserved before its password is checked (`begin`) and settled after (`end`), so concurrent guesses
/// count against the limits as they start, not only once they have failed. Unknown user names are tracked like real
/// ones, so the answers do not tell which accounts exist. The state is kept in memory, per node, and bounded.
public final class SignInThrottle: Sendable {
    public struct Settings: Sendable {
        public var threshold = 10
        public var lockout: TimeInterval = 60
        public var maximumLockout: TimeInterval = 3600
        public var clientFailuresPerMinute = 60
        public var clientAttemptsInFlight = 8
        /// Accounts and clients tracked at most; the least recently seen are forgotten first.
        public var capacity = 50_000
        public init() {}
    }

    /// A sign-in being checked, to settle with `end`.
    public struct Attempt: Sendable {
        let client: String
        let account: String
    }

    private struct Account {
        var failures = 0
        var pending = 0
        var lockouts = 0
        var lockedUntil: Date?
        var recentWrongPasswords: [Int] = []
        var lastSeen: Date
    }

    private struct Client {
        var windowStart: Date
        var failures = 0
        var pending = 0
    }

    private struct State {
        var accounts: [String: Account] = [:]
        var clients: [String: Client] = [:]
    }

    public let settings: Settings
    private let state = Mutex(State())

    public init(settings: Settings = Settings()) { self.settings = settings }

    /// Reserves a sign-in, or throws when the client is throttled or the account locked (before any password is checked).
    public func begin(clientId: String, username: String, now: Date = Date()) throws -> Attempt {
        let attempt = Attempt(client: clientId.lowercased(), account: username.lowercased())
        try self.state.withLock { state in
            self.evictIfFull(&state, now: now)
            var client = state.clients[attempt.client] ?? Client(windowStart: now)
            if now.timeIntervalSince(client.windowStart) >= 60 { client = Client(windowStart: now, failures: 0, pending: client.pending) }
            if client.failures + client.pending >= self.settings.clientFailuresPerMinute || client.pending >= self.settings.clientAttemptsInFlight {
                let wait = max(1, client.windowStart.addingTimeInterval(60).timeIntervalSince(now))
                throw TokenRequestError(
                    .invalidRequest, aadsts: 50_196,
                    "AADSTS50196: Too many sign-ins from this client; try again after \(Int(wait.rounded(.up))) seconds.",
                    httpStatus: 429, retryAfter: wait)
            }
            var account = state.accounts[attempt.account] ?? Account(lastSeen: now)
            if let lockedUntil = account.lockedUntil, lockedUntil > now { throw Self.locked }
            // Attempts being checked count as failures, so a burst of concurrent guesses cannot overrun the threshold.
            if account.failures + account.pending >= self.settings.threshold { throw Self.locked }
            account.pending += 1
            account.lastSeen = now
            client.pending += 1
            state.accounts[attempt.account] = account
            state.clients[attempt.client] = client
        }
        return attempt
    }

    /// Settles a reserved sign-in: a success clears the account's failures, a failure counts (once per wrong password).
    public func end(_ attempt: Attempt, succeeded: Bool, password: String, now: Date = Date()) {
        var hasher = Hasher()
        hasher.combine(password)
        let fingerprint = hasher.finalize()
        self.state.withLock { state in
            if var client = state.clients[attempt.client] {
                client.pending = max(0, client.pending - 1)
                if !succeeded { client.failures += 1 }
                state.clients[attempt.client] = client
            }
            guard var account = state.accounts[attempt.account] else { return }
            account.pending = max(0, account.pending - 1)
            if succeeded {
                account.failures = 0
                account.recentWrongPasswords = []
            } else if !account.recentWrongPasswords.contains(fingerprint) {
                account.recentWrongPasswords = Array((account.recentWrongPasswords + [fingerprint]).suffix(3))
                account.failures += 1
                if account.failures >= self.settings.threshold {
                    let duration = min(self.settings.lockout * pow(2, Double(account.lockouts)), self.settings.maximumLockout)
                    account.lockedUntil = now.addingTimeInterval(duration)
                    account.lockouts += 1
                    // One more failure after the lockout ends locks the account again.
                    account.failures = self.settings.threshold - 1
                }
            }
            state.accounts[attempt.account] = account
        }
    }

    private static let locked = TokenRequestError(
        .invalidGrant, aadsts: 50_053,
        "AADSTS50053: The account is locked, you've tried to sign in too many times with an incorrect user ID or password.")

    /// Forgets the least recently seen half of the accounts (never a locked one or one being checked) and the clients
    /// whose minute has passed, when the tables are full.
    private func evictIfFull(_ state: inout State, now: Date) {
        if state.clients.count >= self.settings.capacity {
            state.clients = state.clients.filter { $0.value.pending > 0 || now.timeIntervalSince($0.value.windowStart) < 60 }
        }
        guard state.accounts.count >= self.settings.capacity else { return }
        let keep = state.accounts.filter { ($0.value.lockedUntil ?? .distantPast) > now || $0.value.pending > 0 }
        let recent = state.accounts.filter { keep[$0.key] == nil }.sorted { $0.value.lastSeen > $1.value.lastSeen }.prefix(self.settings.capacity / 2)
        state.accounts = keep.merging(recent.map { ($0.key, $0.value) }) { first, _ in first }
    }
}
