import GraphSyncCore
import Testing

/// How nodes share due jobs: a fair share each, and no job left waiting while some node has a free slot.
@Suite struct JobPlacementTests {
    func load(nodes: Int, running: Int = 0, here: Int = 0, due: Int, freeElsewhere: Int) -> ClusterLoad {
        ClusterLoad(liveNodes: nodes, running: running, runningHere: here, due: due, freeSlotsElsewhere: freeElsewhere)
    }

    @Test func aLoneNodeTakesWhatItHasRoomFor() {
        #expect(JobPlacement.jobsToClaim(self.load(nodes: 1, due: 10, freeElsewhere: 0), freeSlots: 4) == 4)
        #expect(JobPlacement.jobsToClaim(self.load(nodes: 1, due: 2, freeElsewhere: 0), freeSlots: 4) == 2)
        #expect(JobPlacement.jobsToClaim(self.load(nodes: 1, due: 2, freeElsewhere: 0), freeSlots: 0) == 0)
        #expect(JobPlacement.jobsToClaim(self.load(nodes: 1, due: 0, freeElsewhere: 0), freeSlots: 4) == 0)
    }

    @Test func threeNodesTakeAThirdEach() {
        // Six jobs due, nobody running: each of three idle nodes takes two.
        #expect(JobPlacement.jobsToClaim(self.load(nodes: 3, due: 6, freeElsewhere: 8), freeSlots: 4) == 2)
        // The first node took two; the second sees four due and two running.
        #expect(JobPlacement.jobsToClaim(self.load(nodes: 3, running: 2, due: 4, freeElsewhere: 6), freeSlots: 4) == 2)
        // A node already running its share takes nothing while the others have room.
        #expect(JobPlacement.jobsToClaim(self.load(nodes: 3, running: 4, here: 2, due: 2, freeElsewhere: 6), freeSlots: 2) == 0)
    }

    @Test func workTheOthersHaveNoRoomForIsTakenAnyway() {
        // Over its share, but the other node is full: the due jobs would otherwise wait.
        #expect(JobPlacement.jobsToClaim(self.load(nodes: 2, running: 5, here: 4, due: 3, freeElsewhere: 0), freeSlots: 4) == 3)
        // The other node has room for one of the three.
        #expect(JobPlacement.jobsToClaim(self.load(nodes: 2, running: 5, here: 4, due: 3, freeElsewhere: 1), freeSlots: 4) == 2)
    }

    @Test func overdueJobsAreTakenByAnyNodeWithRoom() {
        // A dead node still counted as alive with free slots: its share waits only until it is overdue.
        var load = self.load(nodes: 2, running: 3, here: 3, due: 3, freeElsewhere: 4)
        #expect(JobPlacement.jobsToClaim(load, freeSlots: 1) == 0)
        load.overdue = 2
        #expect(JobPlacement.jobsToClaim(load, freeSlots: 1) == 1)
        #expect(JobPlacement.jobsToClaim(load, freeSlots: 4) == 2)
    }

    @Test func nonsenseLoadsNeverClaimMoreThanIsDueOrFits() {
        for nodes in [-1, 0, 1, 5] {
            for running in [-3, 0, 7] {
                for due in [0, 1, 9] {
                    for free in [-2, 0, 3] {
                        let n = JobPlacement.jobsToClaim(self.load(nodes: nodes, running: running, here: running, due: due, freeElsewhere: -4), freeSlots: free)
                        #expect(n >= 0 && n <= max(0, due) && n <= max(0, free))
                    }
                }
            }
        }
    }
}
