import Foundation

/// When an administrator unlocked an account.
struct AccountUnlock: Codable {
    var at: Date
}

extension AuthorityService {
    /// Ends the user's sign-in lockouts (`graphsync user unlock`), on every node: lockouts are in each node's memory,
    /// so the unlock is recorded in the database, where a node looks the next time the account answers as locked.
    public func unlock(_ user: User, now: Date = Date()) async throws {
        let id = Self.unlockId(user.userPrincipalName)
        let document = String(decoding: try JSONEncoder.signIn.encode(AccountUnlock(at: now)), as: UTF8.self)
        try await self.repositories.signInGrants.delete(id: id, kind: .accountUnlock)
        try await self.repositories.signInGrants.insert(
            StoredSignInGrant(id: id, kind: .accountUnlock, expiresAt: now.addingTimeInterval(86_400), document: document))
        self.throttle.clear(username: user.userPrincipalName, failedBefore: now)
    }

    /// Reserves a sign-in with the throttle; a lockout an administrator ended since is cleared first.
    func beginSignIn(address: SourceAddress, username: String) async throws -> SignInThrottle.Attempt {
        do {
            return try self.throttle.begin(address: address, username: username)
        } catch let failure as TokenRequestError where failure.aadsts == 50_053 {
            guard username.count <= 256, let grant = try await self.repositories.signInGrants.get(id: Self.unlockId(username), kind: .accountUnlock),
                grant.expiresAt > Date(), let unlock = try? JSONDecoder.signIn.decode(AccountUnlock.self, from: Data(grant.document.utf8)),
                self.throttle.clear(username: username, failedBefore: unlock.at)
            else { throw failure }
            return try self.throttle.begin(address: address, username: username)
        }
    }

    static func unlockId(_ username: String) -> String { SignInHandle.storageId(of: "unlock:" + username.lowercased()) }
}
