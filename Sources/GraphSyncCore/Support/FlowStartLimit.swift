import Foundation

/// How many sign-in flows may start without a signed-in person (sign-in pages, device codes, console sign-ins; each
/// stores a row): `perAddress` a minute from one source address, so one client cannot use up everyone's allowance, and
/// `perNode` a minute in all, so a flood from many addresses cannot fill the database. A start refused for its address does not count for the node.
public struct FlowStartLimit: Sendable {
    let perAddress: RateLimit
    let perNode: RateLimit

    public init(perAddress: Int = 120, perNode: Int = 3_000, window: TimeInterval = 60, addresses: Int = 10_000) {
        self.perAddress = RateLimit(limit: perAddress, per: window, capacity: addresses)
        self.perNode = RateLimit(limit: perNode, per: window, capacity: 1)
    }

    /// Counts a start from `address` and returns nil, or how long until it may try again.
    public func admit(_ address: SourceAddress, now: Date = Date()) -> TimeInterval? {
        if let wait = self.perAddress.admit(address.key, now: now) { return wait }
        return self.perNode.admit("node", now: now)
    }
}
