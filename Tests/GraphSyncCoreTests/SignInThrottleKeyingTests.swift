import Foundation
@testable import GraphSyncCore
import Testing

/// The sign-in throttles' keys (security review 21, item 6): source addresses, an account's lockout per familiar
/// address, and bounded tables, with addresses a loopback test server cannot show.
@Suite struct SignInThrottleKeyingTests {
    func address(_ ip: String) -> SourceAddress { SourceAddress(ip: ip) }

    /// One password sign-in through the throttle: `right` settles it as a success.
    func attempt(_ throttle: SignInThrottle, _ ip: String, _ name: String, _ password: String, right: Bool = false, now: Date = Date()) throws {
        let attempt = try throttle.begin(address: self.address(ip), username: name, now: now)
        throttle.end(attempt, succeeded: right, password: password, now: now)
    }

    func code(_ body: () throws -> Void) -> Int? {
        do { try body() } catch let failure as TokenRequestError { return failure.aadsts } catch { return -1 }
        return nil
    }

    @Test func addressesAreKeyedByHostOrIPv6Prefix() {
        #expect(self.address("203.0.113.7").key == "203.0.113.7")
        #expect(self.address("::ffff:203.0.113.7").key == "203.0.113.7")
        #expect(self.address("2001:db8:1:2:aaaa::1").key == self.address("2001:0db8:0001:0002:bbbb:cccc:dddd:eeee").key)
        #expect(self.address("2001:db8:1:2::1").key != self.address("2001:db8:1:3::1").key)
        #expect(self.address("fe80::1%eth0").key == "fe80:0:0:0::/64")
        #expect(SourceAddress(ip: nil).key == "unknown")
    }

    @Test func madeUpNamesFromOneAddressDoNotThrottleAnother() throws {
        var settings = SignInThrottle.Settings()
        settings.addressFailuresPerMinute = 5
        let throttle = SignInThrottle(settings: settings)
        for index in 0..<5 { try self.attempt(throttle, "198.51.100.1", "made-up-\(index)", "Summer2026!") }
        #expect(self.code { try self.attempt(throttle, "198.51.100.1", "admin", "Right-1", right: true) } == 50_196)
        #expect(self.code { try self.attempt(throttle, "198.51.100.2", "admin", "Right-1", right: true) } == nil)
        // Now familiar there for the admin: a spray from that address no longer stops the admin's own sign-ins.
        for index in 5..<10 { try? self.attempt(throttle, "198.51.100.2", "made-up-\(index)", "Summer2026!") }
        #expect(self.code { try self.attempt(throttle, "198.51.100.2", "made-up-11", "Summer2026!") } == 50_196)
        #expect(self.code { try self.attempt(throttle, "198.51.100.2", "admin", "Right-1", right: true) } == nil)
    }

    @Test func anAccountLockedFromElsewhereStaysOpenWhereItSignedInBefore() throws {
        var settings = SignInThrottle.Settings()
        settings.threshold = 3
        let throttle = SignInThrottle(settings: settings)
        try self.attempt(throttle, "198.51.100.1", "ada", "Right-1", right: true)
        for attempt in 0..<3 { try self.attempt(throttle, "203.0.113.9", "ada", "Wrong-\(attempt)") }
        #expect(self.code { try self.attempt(throttle, "203.0.113.9", "ada", "Right-1", right: true) } == 50_053)
        #expect(self.code { try self.attempt(throttle, "203.0.113.10", "ada", "Right-1", right: true) } == 50_053, "every unfamiliar address shares it")
        #expect(self.code { try self.attempt(throttle, "198.51.100.1", "ada", "Right-1", right: true) } == nil)
        // Failures from the familiar address lock that address too, on their own count.
        for attempt in 0..<3 { try self.attempt(throttle, "198.51.100.1", "ada", "Wrong-\(attempt)") }
        #expect(self.code { try self.attempt(throttle, "198.51.100.1", "ada", "Right-1", right: true) } == 50_053)
        // An administrator's unlock clears both, and keeps the familiar address.
        #expect(throttle.clear(username: "ADA", failedBefore: Date()))
        #expect(self.code { try self.attempt(throttle, "203.0.113.9", "ada", "Right-1", right: true) } == nil)
        #expect(self.code { try self.attempt(throttle, "198.51.100.1", "ada", "Right-1", right: true) } == nil)
    }

    @Test func flowStartsAreLimitedPerAddressAndPerNode() {
        let limit = FlowStartLimit(perAddress: 10, perNode: 25)
        for _ in 0..<100 { _ = limit.admit(self.address("198.51.100.1")) }
        #expect(limit.admit(self.address("198.51.100.1")) != nil)
        #expect(limit.admit(self.address("198.51.100.2")) == nil, "one address's flood does not shut another out")
        for index in 3..<20 { _ = limit.admit(self.address("198.51.100.\(index)")) }
        #expect(limit.admit(self.address("198.51.100.200")) != nil, "many addresses together meet the node's limit")
    }

    @Test func theTablesStayBoundedUnderASprayOfAddressesAndNames() throws {
        var settings = SignInThrottle.Settings()
        settings.capacity = 100
        settings.threshold = 1
        let throttle = SignInThrottle(settings: settings)
        for index in 0..<1_000 {
            try? self.attempt(throttle, "10.0.\(index / 250).\(index % 250)", "made-up-\(index)", "Summer2026!")
        }
        #expect(throttle.tracked.accounts <= 100 && throttle.tracked.addresses <= 100, "\(throttle.tracked)")
    }
}
