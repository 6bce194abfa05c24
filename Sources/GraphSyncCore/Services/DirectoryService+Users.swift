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
    /// user holds. Nothing is written unless everything is allowed and valid.
    public func updateUser(id: String, by caller: Caller, password: String?, forceChange: Bool?, change: (inout User) throws -> Void) async throws {
        guard var user = try await self.repositories.users.get(id: id) else { throw DirectoryError.notFound(id: id) }
        let before = user
        try change(&user)
        let sensitive = before.accountEnabled != user.accountEnabled || before.userPrincipalName != user.userPrincipalName || password != nil
        if sensitive {
            try SensitiveUserActions.authorize(
                caller, targetRoles: try await self.directoryRoles(of: id), resetsPassword: password != nil, action: "this change")
        }
        if user.userPrincipalName != before.userPrincipalName, try await self.repositories.users.get(userPrincipalName: user.userPrincipalName) != nil {
            throw DirectoryError.badRequest("Another object with the same value for property userPrincipalName already exists.")
        }
        if let password {
            try Self.validatePassword(password)
            user.passwordHash = self.passwordHasher.hash(password)
        }
        if let forceChange { user.forceChangePasswordNextSignIn = forceChange }
        try await self.repositories.users.update(user)
    }

    /// Deletes a user on behalf of `caller` (a sensitive action on administrators).
    public func deleteUser(id: String, by caller: Caller) async throws {
        guard try await self.repositories.users.get(id: id) != nil else { throw DirectoryError.notFound(id: id) }
        try SensitiveUserActions.authorize(caller, targetRoles: try await self.directoryRoles(of: id), resetsPassword: false, action: "deleting")
        _ = try await self.repositories.users.delete(id: id)
    }

    /// The tenant-wide directory role template ids a principal holds.
    public func directoryRoles(of principalId: String) async throws -> Set<String> {
        let assignments = try await self.repositories.roleAssignments.list(DirectoryQuery(clauses: [.equals(field: "principalId", value: principalId)]))
        return Set(assignments.filter { $0.directoryScopeId == "/" }.map(\.roleDefinitionId))
    }

    /// Replaces a user's password.
    public func setPassword(userId: String, password: String) async throws {
        try Self.validatePassword(password)
        guard var user = try await self.repositories.users.get(id: userId) else { throw DirectoryError.notFound(id: userId) }
        user.passwordHash = self.passwordHasher.hash(password)
        try await self.repositories.users.update(user)
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
