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
