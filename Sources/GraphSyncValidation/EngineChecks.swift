import Foundation
import GraphSyncCore

/// The engine-driven checks: directory changes pushed to the app by GraphSync's engine through provisionOnDemand and
/// provisioning cycles, exactly as a job configured like Entra's sends them; each result is read back from the app.
/// These are the gallery validation's user and group tests (Create_User_Test … Restore_Group_Test).
final class EngineChecks {
    let world: EngineWorld
    let checks: ProtocolChecks
    /// The directory objects made for the checks: what the engine put in the app is theirs, deleted at the end.
    private(set) var sourceIds: [String] = []
    var run: CheckRun { self.checks.run }
    var tag: String { self.checks.tag }

    static let userChecks: [(String, String)] = [
        ("engine.user-create", "a user assigned to the app is created (provisionOnDemand)"),
        ("engine.user-update", "a changed user is updated"),
        ("engine.manager-add", "the manager is set once the manager is in the app"),
        ("engine.manager-change", "a new manager replaces the old one"),
        ("engine.manager-remove", "a cleared manager is removed"),
        ("engine.user-disable", "a user blocked from sign-in is disabled"),
        ("engine.user-restore", "a user allowed to sign in again is enabled in place"),
        ("engine.user-delete", "a deleted user is disabled, and deleted once purged (provisioning cycles)"),
    ]
    static let groupChecks: [(String, String)] = [
        ("engine.group-create", "an assigned group is created, then its members added"),
        ("engine.group-members-add", "a new member is added"),
        ("engine.group-members-remove", "a removed member is removed"),
        ("engine.group-rename", "a renamed group is renamed"),
        ("engine.group-delete", "a group unassigned from the app is deleted (provisioning cycle)"),
    ]

    init(world: EngineWorld, checks: ProtocolChecks) {
        self.world = world
        self.checks = checks
    }

    func runAll(groups: Bool) async {
        var users: [String: User] = [:]
        await self.run.check("engine.user-create", Self.userChecks[0].1) {
            for name in ["ada", "grace", "lin"] {
                let user = try await self.world.assignedUser(self.checks.userName("engine-\(name)"), displayName: "Engine \(name)")
                users[name] = user
                self.sourceIds.append(user.id)
            }
            let ada = try Self.require(users["ada"])
            try await self.provision(ada.id, expecting: "Create")
            let id = try await self.appId(of: ada.id)
            try await self.checks.expectOne("Users", "userName", ada.userPrincipalName, id: id)
        }
        guard let ada = users["ada"], let grace = users["grace"], let lin = users["lin"], (try? await self.world.targetId(of: ada.id)) != nil else {
            for (id, title) in Self.userChecks.dropFirst() + (groups ? Self.groupChecks : []) { self.run.skip(id, title, because: "needs engine.user-create") }
            return
        }
        await self.run.check("engine.user-update", Self.userChecks[1].1) {
            try await self.world.changeUser(ada.id) { $0.jobTitle = "Architect"; $0.displayName = "Engine Ada Lovelace" }
            try await self.provision(ada.id, expecting: "Update")
            let user = try await self.checks.readUser(try await self.appId(of: ada.id))
            try ProtocolChecks.expectValue(user["title"], "Architect", "title")
            try ProtocolChecks.expectValue(user["displayName"], "Engine Ada Lovelace", "displayName")
        }
        for (check, manager) in [("engine.manager-add", grace), ("engine.manager-change", lin)] {
            await self.run.check(check, Self.userChecks.first { $0.0 == check }!.1) {
                try await self.provision(manager.id, expecting: "Create")
                try await self.world.directory.setManager(of: ada.id, to: manager.id)
                try await self.provision(ada.id, expecting: "Update")
                try await self.checks.expectManager(try await self.appId(of: ada.id), try await self.appId(of: manager.id))
            }
        }
        await self.run.check("engine.manager-remove", Self.userChecks[4].1) {
            _ = try await self.world.directory.removeManager(of: ada.id)
            try await self.provision(ada.id, expecting: "Update")
            try await self.checks.expectManager(try await self.appId(of: ada.id), nil)
        }
        await self.run.check("engine.user-disable", Self.userChecks[5].1) {
            try await self.world.changeUser(ada.id) { $0.accountEnabled = false }
            try await self.provision(ada.id, expecting: "Update")
            let user = try await self.checks.readUser(try await self.appId(of: ada.id))
            try Expect.that(ProtocolChecks.isFalse(user["active"]), answered: "active \(ProtocolChecks.text(user["active"])) afterwards", expected: "active false")
        }
        await self.run.check("engine.user-restore", Self.userChecks[6].1) {
            let before = try await self.appId(of: ada.id)
            try await self.world.changeUser(ada.id) { $0.accountEnabled = true }
            try await self.provision(ada.id, expecting: "Update")
            let user = try await self.checks.readUser(before)
            try Expect.that(ProtocolChecks.isTrue(user["active"]), answered: "active \(ProtocolChecks.text(user["active"])) afterwards", expected: "active true")
        }
        if groups {
            await self.runGroupChecks(ada: ada, grace: grace)
        } else {
            for (id, title) in Self.groupChecks { self.run.skip(id, title, because: "--no-groups") }
        }
        await self.run.check("engine.user-delete", Self.userChecks[7].1) {
            let id = try await self.appId(of: lin.id)
            _ = try await self.world.repositories.users.delete(id: lin.id)
            _ = try await self.world.engine.runCycle(self.world.job)
            let disabled = try await self.checks.readUser(id)
            try Expect.that(ProtocolChecks.isFalse(disabled["active"]), answered: "active \(ProtocolChecks.text(disabled["active"])) after the user was deleted",
                            expected: "active false (IsSoftDeleted)")
            _ = try await self.world.repositories.deletedItems.purge(id: lin.id)
            _ = try await self.world.engine.runCycle(self.world.job)
            let after = try await self.checks.probe.get(SCIMProbe.path("Users", id))
            try Expect.status(after, [404], "404: a purged user is deleted in the app")
        }
    }

    func runGroupChecks(ada: User, grace: User) async {
        var created: Group?
        await self.run.check("engine.group-create", Self.groupChecks[0].1) {
            let group = try await self.world.directory.createGroup(
                Group(id: Identifiers.objectId(), displayName: "\(self.tag) Engine group", mailNickname: "\(self.tag)-engine", createdDateTime: Date()),
                memberIds: [ada.id])
            self.sourceIds.append(group.id)
            try await self.world.assign(group.id)
            try await self.provision(group.id, type: "Group", expecting: "Create")
            let id = try await self.appId(of: group.id)
            try await self.checks.expectOne("Groups", "displayName", group.displayName, id: id)
            try await self.expectMembers(id, including: [ada.id], excluding: [])
            created = group
        }
        guard let group = created else {
            for (id, title) in Self.groupChecks.dropFirst() { self.run.skip(id, title, because: "needs engine.group-create") }
            return
        }
        await self.run.check("engine.group-members-add", Self.groupChecks[1].1) {
            try await self.world.directory.changeGroup(group.id, addingMembers: [grace.id]) { _ in }
            try await self.provision(group.id, type: "Group", expecting: "Update")
            try await self.expectMembers(try await self.appId(of: group.id), including: [ada.id, grace.id], excluding: [])
        }
        await self.run.check("engine.group-members-remove", Self.groupChecks[2].1) {
            _ = try await self.world.repositories.groups.removeMember(ada.id, from: group.id)
            try await self.provision(group.id, type: "Group", expecting: "Update")
            try await self.expectMembers(try await self.appId(of: group.id), including: [grace.id], excluding: [ada.id])
        }
        await self.run.check("engine.group-rename", Self.groupChecks[3].1) {
            let name = "\(self.tag) Engine group renamed"
            try await self.world.directory.changeGroup(group.id) { $0.displayName = name }
            try await self.provision(group.id, type: "Group", expecting: "Update")
            try ProtocolChecks.expectValue(try await self.checks.readGroup(try await self.appId(of: group.id))["displayName"], name, "displayName")
        }
        await self.run.check("engine.group-delete", Self.groupChecks[4].1) {
            let id = try await self.appId(of: group.id)
            try await self.world.unassign(group.id)
            _ = try await self.world.engine.runCycle(self.world.job)
            let after = try await self.checks.probe.get(SCIMProbe.path("Groups", id))
            try Expect.status(after, [404], "404: a group that left scope is deleted in the app")
        }
    }

    /// provisionOnDemand, expecting a successful `action` (a failure names what the app answered).
    func provision(_ objectId: String, type: String = "User", expecting action: String) async throws {
        guard let entry = try await self.world.provisionOnDemand(objectId, type: type) else {
            throw Deviation(answered: "nothing (the \(type.lowercased()) is not in scope)", expected: "the \(type.lowercased()) provisioned")
        }
        // Nothing to send (a change the app never got, undone): what the app has is checked after.
        if entry.status == "skipped" { return }
        guard entry.status == "success" else {
            let detail = entry.detail ?? "a failure"
            let answer = detail.hasPrefix("The SCIM app answered ") ? String(detail.dropFirst("The SCIM app answered ".count)) : "with: \(detail)"
            throw Deviation(answered: "\(answer) to the \(entry.action) GraphSync's engine sent", expected: "the \(entry.action) to succeed")
        }
        try Expect.that(entry.action == action || (action == "Create" && entry.action == "Match"),
                        answered: "to a provisioning that ended as \(entry.action)", expected: "\(action) (\(entry.detail ?? ""))")
    }

    func appId(of sourceId: String) async throws -> String {
        guard let id = try await self.world.targetId(of: sourceId) else {
            throw Deviation(answered: "no id GraphSync could keep", expected: "the object's id in the app")
        }
        return id
    }

    /// The group in the app has the app ids of `including` and none of `excluding` (directory ids).
    func expectMembers(_ groupId: String, including: [String], excluding: [String]) async throws {
        let members = Set(self.checks.memberIds(try await self.checks.readGroup(groupId)))
        for sourceId in including {
            let id = try await self.appId(of: sourceId)
            try Expect.that(members.contains(id), answered: "members \(members.sorted()) afterwards", expected: "the member \(id)")
        }
        for sourceId in excluding {
            let id = try await self.appId(of: sourceId)
            try Expect.that(!members.contains(id), answered: "members \(members.sorted()) afterwards", expected: "the member \(id) removed")
        }
    }

    static func require<T>(_ value: T?) throws -> T {
        guard let value else { throw Deviation(answered: "nothing", expected: "a value") }
        return value
    }
}
