import Foundation

/// A soft-deleted directory object (`directory/deletedItems`): kept as it was when deleted, until it is restored or
/// deleted for good. Its relationships (owners, memberships, grants, synchronization) went with the deletion.
public struct DeletedItem: Sendable {
    public enum Object: Sendable {
        case application(Application)
        case servicePrincipal(ServicePrincipal)
        case user(User)
        case group(Group)
    }

    public var object: Object
    public var deletedDateTime: Date

    public init(_ object: Object, deletedDateTime: Date) {
        self.object = object
        self.deletedDateTime = deletedDateTime
    }

    public var id: String {
        switch self.object {
        case .application(let application): application.id
        case .servicePrincipal(let sp): sp.id
        case .user(let user): user.id
        case .group(let group): group.id
        }
    }

    /// Graph's type name: `application`, `servicePrincipal`, `user` or `group`.
    public var typeName: String { Self.typeName(of: self.object) }

    static func typeName(of object: Object) -> String {
        switch object {
        case .application: "application"
        case .servicePrincipal: "servicePrincipal"
        case .user: "user"
        case .group: "group"
        }
    }

    public static let typeNames = ["application", "servicePrincipal", "user", "group"]
}

/// Soft-deleted objects. Deleting an application, service principal, user or Microsoft 365 group through its own
/// repository puts it here; `restore` puts it back in its table (failing with `StoreError.conflict` when a unique
/// value was taken meanwhile).
public protocol DeletedItemRepository: Sendable {
    func list(typeName: String, top: Int) async throws -> [DeletedItem]
    func get(id: String) async throws -> DeletedItem?
    /// Moves the item back; nil when there is no such item.
    func restore(id: String) async throws -> DeletedItem?
    /// Deletes the item for good; false when there is no such item.
    func purge(id: String) async throws -> Bool
    /// Deletes for good, in one transaction, up to `limit` of the items deleted before `cutoff` (oldest first); how many.
    func purge(deletedBefore cutoff: Date, limit: Int) async throws -> Int
}
