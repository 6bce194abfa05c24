import Foundation
import Synchronization

/// Smart lockout for the password grant, modelled on Entra's: after `threshold` failed sign-ins an account is locked
/// for `lockout` (doubling with each further lockout, up to `maximumLockout`), and even the right password is refused
/// meanwhile (AADSTS50053). Repeating one of the last three wrong passwords does not count again. Each client may fail
/// at most `clientFailuresPerMinute` times a minute across all accounts (password spraying), then is throttled.
///
/// Unknown user names are tracked like real ones, so the answers do not tell which accounts exist. The state is kept
/// in memory, per node, and bounded.
public final class SignInThrottle: Sendable {
    public struct Settings: Sendable {
        public var threshold = 10
        public var lockout: TimeInterval = 60
        public var maximumLockout: TimeInterval = 3600
        public var clientFailuresPerMinute = 60
        /// Accounts and clients tracked at most; the oldest are forgotten first.
        public var capacity = 50_000
        public init() {}
    }

    private struct Account {
        var failures = 0
        var lockouts = 0
        var lockedUntil: Date?
        var recentWrongPasswords: [Int] = []
        var lastSeen: Date
    }

    private struct Client {
        var windowStart: Date
        var failures: Int
    }

    public let settings: Settings
    private let accounts = Mutex<[String: Account]>([:])
    private let clients = Mutex<[String: Client]>([:])

    public init(settings: Settings = Settings()) { self.settings = settings }

    /// Throws when the client is throttled or the account locked, before any password is checked.
    public func check(clientId: String, username: String, now: Date = Date()) throws {
        let clientKey = clientId.lowercased()
        let throttledUntil: Date? = self.clients.withLock { clients in
            guard let client = clients[clientKey], now.timeIntervalSince(client.windowStart) < 60 else { return nil }
            return client.failures >= self.settings.clientFailuresPerMinute ? client.windowStart.addingTimeInterval(60) : nil
        }
        if let throttledUntil {
            throw TokenRequestError(
                .invalidRequest, aadsts: 50_196,
                "AADSTS50196: Too many failed sign-ins from this client; try again after \(Int(throttledUntil.timeIntervalSince(now).rounded(.up))) seconds.",
                httpStatus: 429, retryAfter: throttledUntil.timeIntervalSince(now))
        }
        let lockedUntil = self.accounts.withLock { $0[username.lowercased()]?.lockedUntil }
        if let lockedUntil, lockedUntil > now {
            throw TokenRequestError(
                .invalidGrant, aadsts: 50_053,
                "AADSTS50053: The account is locked, you've tried to sign in too many times with an incorrect user ID or password.")
        }
    }

    /// Records a failed sign-in (wrong password, unknown or disabled user).
    public func recordFailure(clientId: String, username: String, password: String, now: Date = Date()) {
        var hasher = Hasher()
        hasher.combine(password)
        let fingerprint = hasher.finalize()
        self.accounts.withLock { accounts in
            self.evictIfFull(&accounts, now: now)
            var account = accounts[username.lowercased()] ?? Account(lastSeen: now)
            account.lastSeen = now
            if !account.recentWrongPasswords.contains(fingerprint) {
                account.recentWrongPasswords = Array((account.recentWrongPasswords + [fingerprint]).suffix(3))
                account.failures += 1
            }
            if account.failures >= self.settings.threshold {
                let duration = min(self.settings.lockout * pow(2, Double(account.lockouts)), self.settings.maximumLockout)
                account.lockedUntil = now.addingTimeInterval(duration)
                account.lockouts += 1
                // One more failure after the lockout ends locks the account again.
                account.failures = self.settings.threshold - 1
            }
            accounts[username.lowercased()] = account
        }
        self.clients.withLock { clients in
            if clients.count >= self.settings.capacity { clients = clients.filter { now.timeIntervalSince($0.value.windowStart) < 60 } }
            var client = clients[clientId.lowercased()] ?? Client(windowStart: now, failures: 0)
            if now.timeIntervalSince(client.windowStart) >= 60 { client = Client(windowStart: now, failures: 0) }
            client.failures += 1
            clients[clientId.lowercased()] = client
        }
    }

    /// A successful sign-in clears the account's failures.
    public func recordSuccess(username: String) {
        _ = self.accounts.withLock { $0.removeValue(forKey: username.lowercased()) }
    }

    private func evictIfFull(_ accounts: inout [String: Account], now: Date) {
        guard accounts.count >= self.settings.capacity else { return }
        accounts = accounts.filter { ($0.value.lockedUntil ?? .distantPast) > now }
        if accounts.count >= self.settings.capacity { accounts.removeAll() }
    }
}
