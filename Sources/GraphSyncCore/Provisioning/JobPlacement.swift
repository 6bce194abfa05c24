import Foundation

/// What one node sees of the cluster's provisioning work when it looks for due jobs.
public struct ClusterLoad: Sendable, Equatable {
    /// Nodes whose scheduler reported in within one lease, this one included.
    public var liveNodes: Int
    /// Jobs under an unexpired lease, on any node.
    public var running: Int
    /// Jobs under an unexpired lease held by this node.
    public var runningHere: Int
    /// Due jobs nobody holds.
    public var due: Int
    /// Free job slots the other live nodes reported.
    public var freeSlotsElsewhere: Int
    /// Due jobs nobody holds that have waited longer than a scheduler tick or two: the nodes whose share they are
    /// did not take them (busy, or dead and not yet counted out), so any node with room takes them.
    public var overdue: Int

    public init(liveNodes: Int, running: Int, runningHere: Int, due: Int, freeSlotsElsewhere: Int, overdue: Int = 0) {
        self.liveNodes = liveNodes
        self.running = running
        self.runningHere = runningHere
        self.due = due
        self.freeSlotsElsewhere = freeSlotsElsewhere
        self.overdue = overdue
    }
}

/// How the nodes of a cluster share due jobs.
public enum JobPlacement {
    /// How many due jobs a node with `freeSlots` free slots claims now: its fair share of all work (running and due,
    /// divided by the live nodes, rounded up) less what it already runs, plus whatever the other nodes have no room
    /// for, and any overdue job, so a job never waits long while some node has a free slot.
    public static func jobsToClaim(_ load: ClusterLoad, freeSlots: Int) -> Int {
        guard freeSlots > 0, load.due > 0 else { return 0 }
        let nodes = max(1, load.liveNodes)
        let share = (load.running + load.due + nodes - 1) / nodes
        let fair = share - load.runningHere
        let overflow = load.due - max(0, load.freeSlotsElsewhere)
        return max(0, min(freeSlots, load.due, max(fair, overflow, load.overdue)))
    }
}
