import Foundation

/// Entra's rules for sensitive actions on users ("Who can perform sensitive actions" and "Who can reset passwords"):
/// changing `accountEnabled`, `passwordProfile` or `userPrincipalName`, or deleting the user. On a user with no directory role, a caller allowed to write users may do them; on an
/// administrator, only a caller holding a role high enough for every role the target holds may.
///
/// App-only callers are judged by the directory roles of their service principal (`wids` in their token), as Graph
/// requires ("the app must be assigned a higher privileged administrator role"); resetting a password app-only needs a
/// role that can reset passwords (User Administrator or Authentication Administrator, or higher) whoever the target is.
/// The sensitive properties besides those are `sensitiveProperties`.
public enum SensitiveUserActions {
    /// User properties whose change is a sensitive action on an administrator (with `accountEnabled`,
    /// `userPrincipalName` and the password), from the same table.
    public static let sensitiveProperties = ["businessPhones", "mobilePhone", "otherMails", "onPremisesImmutableId"]

    /// Target roles each acting role may act on (tenant-wide roles), from the "Who can perform sensitive actions" table.
    /// Privileged Authentication Administrator and Global Administrator may act on everyone.
    static let reach: [DirectoryRoleTemplate: Set<DirectoryRoleTemplate>] = [
        .userAdministrator: [.userAdministrator, .helpdeskAdministrator, .passwordAdministrator, .groupsAdministrator, .directoryReaders,
                             .guestInviter, .messageCenterReader, .reportsReader],
        .authenticationAdministrator: [.authenticationAdministrator, .passwordAdministrator, .directoryReaders, .guestInviter,
                                       .messageCenterReader, .reportsReader],
    ]
    static let unrestricted: Set<DirectoryRoleTemplate> = [.globalAdministrator, .privilegedAuthenticationAdministrator]

    /// Throws `DirectoryError.forbidden` unless `caller` may perform a sensitive action on a user holding `targetRoles`.
    /// - Parameters:
    ///   - resetsPassword: the action sets `passwordProfile` (app-only callers then need at least User Administrator).
    public static func authorize(_ caller: Caller, targetRoles: Set<String>, resetsPassword: Bool, action: String) throws {
        let held = Set(caller.roleTemplateIds.compactMap(DirectoryRoleTemplate.withId))
        if !held.isDisjoint(with: self.unrestricted) { return }
        if caller.kind == .application && resetsPassword && !held.contains(.userAdministrator) && !held.contains(.authenticationAdministrator) {
            throw DirectoryError.forbidden(
                "Resetting a password app-only needs the User Administrator directory role (or higher) on the calling app's service principal, besides User.ReadWrite.All.")
        }
        let targets = targetRoles.map { id in DirectoryRoleTemplate.withId(id) }
        guard !targets.isEmpty else { return }
        let reachable = held.reduce(into: Set<DirectoryRoleTemplate>()) { $0.formUnion(self.reach[$1] ?? []) }
        let beyond = targets.filter { target in target.map { !reachable.contains($0) } ?? true }
        guard !beyond.isEmpty else { return }
        let names = beyond.map { $0?.displayName ?? "a custom role" }.sorted().joined(separator: ", ")
        throw DirectoryError.forbidden(
            "The target user holds \(names); \(action) on such a user needs a higher privileged administrator role (see Entra's 'Who can perform sensitive actions'): Privileged Authentication Administrator or Global Administrator\(caller.kind == .application ? " assigned to the calling app's service principal" : "").")
    }
}
