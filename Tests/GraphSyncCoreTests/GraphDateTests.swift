import Foundation
import GraphSyncCore
import Testing

/// Graph's date format (seconds, and 7-digit fractions only when there are any), written by arithmetic for speed.
@Suite struct GraphDateTests {
    /// What Foundation writes for the same instant.
    func reference(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        let whole = seconds.rounded(.down)
        let ticks = Int(((seconds - whole) * 10_000_000).rounded())
        let base = String(Date.ISO8601FormatStyle().format(Date(timeIntervalSince1970: whole)).dropLast())
        return ticks == 0 ? base + "Z" : base + "." + String(format: "%07d", min(ticks, 9_999_999)) + "Z"
    }

    @Test func matchesFoundationAcrossTheRange() {
        var generator = SystemRandomNumberGenerator()
        var instants: [Double] = [0, 86_399, 86_400, 951_782_400, 951_868_799.5, 4_107_542_400, 253_402_300_799, 1_800_000_000.1234567]
        for _ in 0..<5_000 { instants.append(Double.random(in: 0..<253_402_300_800, using: &generator)) }
        for _ in 0..<1_000 { instants.append(Double(Int.random(in: 0..<253_402_300_800, using: &generator))) }
        for seconds in instants {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(GraphDate.format(date) == self.reference(date), "\(seconds)")
        }
    }

    @Test func outOfRangeDatesStillFormat() {
        #expect(GraphDate.format(Date(timeIntervalSince1970: -1.5)) == "1969-12-31T23:59:58.5000000Z")
        #expect(GraphDate.format(Date(timeIntervalSince1970: -31_536_000)) == "1969-01-01T00:00:00Z")
        for seconds in [253_402_300_800, 1e15, -1e15] {
            #expect(GraphDate.format(Date(timeIntervalSince1970: seconds)).hasSuffix("Z"))
        }
    }

    @Test func roundTrips() {
        let date = Date(timeIntervalSince1970: 1_800_000_000.25)
        #expect(GraphDate.format(date) == "2027-01-15T08:00:00.2500000Z")
        #expect(GraphDate.parse(GraphDate.format(date)) == date)
    }
}
