import Foundation

extension DirectoryService {
    /// Creates a user; the password is stored as a stretched hash.
    public func createUser(_ draft: User, password: String) async throws -> User {
        var user = draft
        try Self.validatePassword(password)
        let upn = user.userPrincipalName
        guard let at = upn.firstIndex(of: "@"), at != upn.startIndex, upn.index(after: at) != upn.endIndex,
            !upn.contains(" ")
        else {
            throw DirectoryError.badRequest("Property userPrincipalName '\(upn)' is not a valid user principal name (alias@domain).")
        }
        if try await self.repositories.users.get(userPrincipalName: upn) != nil {
            throw DirectoryError.badRequest("Another object with the same value for property userPrincipalName already exists.")
        }
        user.passwordHash = self.passwordHasher.hash(password)
        try await self.repositories.users.create(user)
        return user
    }

    /// Updates a user on behalf of `caller`: `change` edits the stored user, `password` (if given) replaces the password.
    /// Sensitive changes (`SensitiveUserActions`) on an administrator need a caller whose role reaches every role the
    /// user holds. One transaction: nothing is written unless everything is allowed and valid, and a concurrent change
    /// of the same user is not lost.
    public func updateUser(
        id: String, by caller: Caller, password: String?, forceChange: Bool?, change: @escaping @Sendable (inout User) throws -> Void
    ) async throws {
        let passwordHash = try await password.asyncMap { try await self.stretch($0) }
        try await self.repositories.transaction { tx in
            guard var user = try await tx.users.get(id: id) else { throw DirectoryError.notFound(id: id) }
            let before = user
            try change(&user)
            let sensitive = before.accountEnabled != user.accountEnabled || before.userPrincipalName != user.userPrincipalName || password != nil
                || SensitiveUserActions.sensitiveProperties.contains { before.properties[$0] != user.properties[$0] }
            if sensitive {
                try SensitiveUserActions.authorize(
                    caller, targetRoles: try await Self.directoryRoles(of: id, in: tx), resetsPassword: password != nil, action: "this change")
            }
            if user.userPrincipalName != before.userPrincipalName, try await tx.users.get(userPrincipalName: user.userPrincipalName) != nil {
                throw DirectoryError.badRequest("Another object with the same value for property userPrincipalName already exists.")
            }
            if let passwordHash { user.passwordHash = passwordHash }
            if let forceChange { user.forceChangePasswordNextSignIn = forceChange }
            // A new password or a disabled account ends the user's sessions for good: enabling them again revives none.
            if password != nil || (before.accountEnabled && !user.accountEnabled) { user.revokeSignInSessions() }
            try await tx.users.update(user)
        }
    }

    /// Deletes a user on behalf of `caller` (a sensitive action on administrators). Its sessions end for good first, so
    /// restoring the user revives none of them.
    public func deleteUser(id: String, by caller: Caller) async throws {
        try await self.repositories.transaction { tx in
            guard var user = try await tx.users.get(id: id) else { throw DirectoryError.notFound(id: id) }
            try SensitiveUserActions.authorize(caller, targetRoles: try await Self.directoryRoles(of: id, in: tx), resetsPassword: false, action: "deleting")
            user.revokeSignInSessions()
            try await tx.users.update(user)
            _ = try await tx.users.delete(id: id)
        }
    }

    /// `revokeSignInSessions`: ends every refresh token and browser session the user holds, for good (a sensitive
    /// action on administrators, as Entra's "Invalidate refresh tokens").
    public func revokeSignInSessions(userId: String, by caller: Caller) async throws {
        try await self.repositories.transaction { tx in
            guard var user = try await tx.users.get(id: userId) else { throw DirectoryError.notFound(id: userId) }
            try SensitiveUserActions.authorize(
                caller, targetRoles: try await Self.directoryRoles(of: user.id, in: tx), resetsPassword: false, action: "revoking sign-in sessions")
            user.revokeSignInSessions()
            try await tx.users.update(user)
        }
    }

    /// The tenant-wide directory role template ids a principal holds.
    public func directoryRoles(of principalId: String) async throws -> Set<String> {
        try await Self.directoryRoles(of: principalId, in: self.repositories)
    }

    static func directoryRoles(of principalId: String, in repositories: Repositories) async throws -> Set<String> {
        let assignments = try await repositories.roleAssignments.list(DirectoryQuery(clauses: [.equals(field: "principalId", value: principalId)]))
        return Set(assignments.filter { $0.directoryScopeId == "/" }.map(\.roleDefinitionId))
    }

    /// Replaces a user's password.
    public func setPassword(userId: String, password: String) async throws {
        let hash = try await self.stretch(password)
        try await self.repositories.transaction { tx in
            guard var user = try await tx.users.get(id: userId) else { throw DirectoryError.notFound(id: userId) }
            user.passwordHash = hash
            user.revokeSignInSessions()
            try await tx.users.update(user)
        }
    }

    /// The stored form of a new password (checked against the policy), computed off the cooperative pool and outside
    /// any transaction.
    func stretch(_ password: String) async throws -> String {
        try Self.validatePassword(password)
        let hasher = self.passwordHasher
        return await CPUBoundWork.run { hasher.hash(password) }
    }

    /// Entra's default password policy: 8–256 characters, three of four character classes.
    static func validatePassword(_ password: String) throws {
        let classes = [
            password.contains(where: \.isUppercase), password.contains(where: \.isLowercase), password.contains(where: \.isNumber),
            password.contains(where: { !$0.isLetter && !$0.isNumber }),
        ].filter { $0 }.count
        guard (8...256).contains(password.count), classes >= 3 else {
            throw DirectoryError.badRequest(
                "The specified password does not comply with password complexity requirements. Please provide a different password.")
        }
    }
}

extension DirectoryService {
    /// `PUT /users/{id}/manager/$ref`: makes `managerId` (a user) the user's manager, in one transaction.
    public func setManager(of userId: String, to managerId: String) async throws {
        try await self.repositories.transaction { tx in
            guard var user = try await tx.users.get(id: userId) else { throw DirectoryError.notFound(id: userId) }
            guard let manager = try await tx.users.get(id: managerId) else {
                throw DirectoryError.badRequest("The manager must be an existing user; '\(managerId)' is not one.")
            }
            guard manager.id != user.id else { throw DirectoryError.badRequest("A user cannot be their own manager.") }
            user.managerId = manager.id
            try await tx.users.update(user)
        }
    }

    /// `DELETE /users/{id}/manager/$ref`; false when the user has no manager.
    public func removeManager(of userId: String) async throws -> Bool {
        try await self.repositories.transaction { tx in
            guard var user = try await tx.users.get(id: userId) else { throw DirectoryError.notFound(id: userId) }
            guard user.managerId != nil else { return false }
            user.managerId = nil
            try await tx.users.update(user)
            return true
        }
    }

    /// The user's manager, if they have one that still exists.
    public func manager(of user: User) async throws -> User? {
        guard let id = user.managerId else { return nil }
        return try await self.repositories.users.get(id: id)
    }

    /// The managers of `users` (for `$expand=manager` on a page), read at once: user id → manager.
    public func managers(of users: [User]) async throws -> [String: User] {
        let managers = try await self.repositories.users.get(ids: Array(Set(users.compactMap { $0.managerId?.lowercased() })))
        let byId = Dictionary(managers.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return users.reduce(into: [:]) { found, user in
            if let id = user.managerId?.lowercased(), let manager = byId[id] { found[user.id] = manager }
        }
    }

    /// The first `limit` direct reports of each of `users` (for `$expand=directReports` on a page), read at once: user id →
    /// reports.
    public func directReports(ofEach users: [User], limit: Int) async throws -> [String: [User]] {
        try await self.repositories.users.directReports(ofEach: users.map(\.id), limit: limit)
    }

    /// `GET /users/{id}/directReports`: one page of the users `user` manages.
    public func directReports(of user: User, _ query: DirectoryQuery) async throws -> Page<User> {
        try await self.repositories.users.directReports(of: user.id, query)
    }
}
