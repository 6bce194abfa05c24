import Foundation
import Logging
import GraphSyncClients
@testable import GraphSyncCore
import Testing

/// Values a hostile peer or caller controls, parsed without trapping and within bounds.
@Suite struct HostileValueTests {
    @Test func retryAfterFollowsRFC9110() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(RetryAfter.delay("120", now: now) == 120)
        #expect(RetryAfter.delay(" 7 ", now: now) == 7)
        #expect(RetryAfter.delay("99999999999999999999999999", now: now) == 300)  // saturates, never overflows
        for bad in ["nan", "NaN", "inf", "-infinity", "-5", "1.5", "1e9", "0x10", "", "soon", String(repeating: "9", count: 100)] {
            let delay = RetryAfter.delay(bad, now: now)
            #expect(delay == nil || delay! <= 300, "\(bad)")
        }
        #expect(RetryAfter.delay("nan", now: now) == nil)
        #expect(RetryAfter.delay("-5", now: now) == nil)
        // HTTP-date, in the IMF-fixdate and both obsolete forms.
        let later = now.addingTimeInterval(90)
        let imf = later.formatted(Date.VerbatimFormatStyle(
            format: "\(weekday: .abbreviated), \(day: .twoDigits) \(month: .abbreviated) \(year: .defaultDigits) \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits):\(second: .twoDigits) GMT",
            locale: Locale(identifier: "en_US_POSIX"), timeZone: TimeZone(identifier: "GMT")!, calendar: Calendar(identifier: .gregorian)))
        #expect(RetryAfter.delay(imf, now: now) == 90)
        #expect(RetryAfter.delay("Sun, 06 Nov 1994 08:49:37 GMT", now: now) == 0)  // in the past: retry now
        #expect(RetryAfter.delay("Sunday, 06-Nov-94 08:49:37 GMT", now: now) == 0)
        #expect(RetryAfter.delay("Sun Nov  6 08:49:37 1994", now: now) == 0)
        #expect(RetryAfter.delay("Fri, 31 Dec 9999 23:59:59 GMT", now: now) == 300)
    }

    @Test func durationsFromTheNetworkNeverTrap() {
        #expect(Duration.clamped(seconds: .nan) == .zero)
        #expect(Duration.clamped(seconds: .infinity) == .zero)
        #expect(Duration.clamped(seconds: -3) == .zero)
        #expect(Duration.clamped(seconds: 1e300, maximum: 30) == .seconds(30))
        #expect(Duration.clamped(seconds: 1.5) == .milliseconds(1500))
    }

    @Test func catastrophicPatternsAreRefusedAndBudgeted() {
        for hazard in ["^((.+)+)+!$", "(a+)+$", "(a*)*b", "(x+x+)+y", "(a|aa)+$", "(.*a){2,}", "(\\w+\\s?)*$", "(a)\\1",
                       "\\Q[\\E(a+)+]", "(?#[)(a+)+]", "(?x)#[\n(a+)+", "(?ix:#[\n(a+)+)"] {
            #expect(BoundedRegex.problem(in: hazard) != nil, "\(hazard)")
        }
        for fine in ["^ada@", "@contoso\\.com$", "^[a-z]+\\.[a-z]+@(contoso|fabrikam)\\.com$", "(?:ab)c+", "^\\d{3}-\\d{4}$", "[(+*)]+", "(?i)^ADA",
                     "^(?<first>[a-z]+)\\.x$", "a{2}"] {
            #expect(BoundedRegex.problem(in: fine) == nil, "\(fine)")
        }
        #expect(BoundedRegex.problem(in: String(repeating: "a", count: 600)) != nil)
        #expect(BoundedRegex.problem(in: "(unclosed") != nil)
        // Even a pattern that slipped past the check stops at its budget instead of running for minutes.
        let started = Date()
        #expect(BoundedRegex.matches("^((a+)+)+!$", String(repeating: "a", count: 40), budget: 0.05) == nil)
        #expect(Date().timeIntervalSince(started) < 2)
        #expect(BoundedRegex.matches("^ada@", "ada@contoso.test") == true)
        #expect(BoundedRegex.matches("^bob@", "ada@contoso.test") == false)
    }

    @Test func specialAddressesAreNotPublic() {
        func v6(_ text: String) -> [UInt8] {
            var address = in6_addr()
            #expect(inet_pton(AF_INET6, text, &address) == 1)
            return withUnsafeBytes(of: address) { Array($0) }
        }
        typealias Policy = OutboundDestinationPolicy
        for (address, expected) in [
            ([192, 0, 0, 8], Policy.AddressClass.reserved), ([198, 18, 0, 1], .reserved), ([198, 19, 255, 1], .reserved),
            ([100, 64, 0, 1], .privateNetwork), ([100, 127, 255, 1], .privateNetwork), ([224, 0, 0, 1], .reserved), ([240, 0, 0, 1], .reserved),
            ([255, 255, 255, 255], .reserved), ([169, 254, 169, 254], .linkLocal), ([127, 0, 0, 1], .loopback), ([0, 0, 0, 0], .unspecified),
            ([10, 1, 2, 3], .privateNetwork), ([8, 8, 8, 8], .publicAddress), ([100, 128, 0, 1], .publicAddress),
        ] as [([UInt8], Policy.AddressClass)] {
            #expect(Policy.classify(address) == expected, "\(address)")
        }
        for (text, expected) in [
            ("::169.254.169.254", Policy.AddressClass.reserved), ("::ffff:169.254.169.254", .linkLocal), ("::ffff:127.0.0.1", .loopback),
            ("64:ff9b::a9fe:a9fe", .reserved), ("64:ff9b:1::1", .reserved), ("ff02::1", .reserved), ("fe80::1", .linkLocal),
            ("fd00:ec2::254", .linkLocal), ("fc00::1", .privateNetwork), ("::1", .loopback), ("::", .unspecified),
            ("2002:a9fe:a9fe::1", .reserved), ("2001:db8::1", .reserved), ("2606:4700::1111", .publicAddress),
        ] {
            #expect(Policy.classify(v6(text)) == expected, "\(text)")
        }
    }

    @Test func everyResolvedAddressMustPass() async throws {
        let policy = OutboundDestinationPolicy()
        await #expect(throws: OutboundError.self) { try await policy.vet("https://127.0.0.1/token") }
        await #expect(throws: OutboundError.self) { try await policy.vet("https://[::ffff:169.254.169.254]/latest") }
        await #expect(throws: OutboundError.self) { try await policy.vet("https://localhost/token") }
        let allowed = try await OutboundDestinationPolicy(allowed: [.loopback]).vet("http://localhost:9/x")
        #expect(!allowed.addresses.isEmpty && allowed.origin == "http://localhost:9")
    }
}

/// Log lines a caller cannot forge.
@Suite struct SingleLineLogTests {
    @Test func controlCharactersInMessagesAndMetadataAreEscaped() {
        #expect(SingleLineLogHandler.escape("x\n2026-01-01T00:00:00+0000 critical forged") == "x\\n2026-01-01T00:00:00+0000 critical forged")
        #expect(SingleLineLogHandler.escape("a\r\nb\u{2028}c\u{1B}[31m") == "a\\r\\nb\\u{2028}c\\u{1b}[31m")
        #expect(SingleLineLogHandler.escape("plain ünïcødé ✓") == "plain ünïcødé ✓")
        let escaped = SingleLineLogHandler.escape(["client_id": .string("x\ny"), "list": .array([.string("a\rb")])])
        #expect(escaped["client_id"] == .string("x\\ny") && escaped["list"] == .array([.string("a\\rb")]))
    }
}

/// What a provisioning log keeps of the values sent to an app.
@Suite struct LoggedValueTests {
    @Test func logsShowValuesSentButNeverAPassword() {
        let logged = CycleRun.loggedValues([
            ("userName", .string("ada@contoso.test")), ("password", .string("Generated-Secret-1")),
            ("urn:ietf:params:scim:schemas:core:2.0:User:password", .string("x")), ("emails[type eq \"work\"].value", .array([.string("a@x"), .string("b@x")])),
            ("active", .bool(true)), ("title", .string(String(repeating: "t", count: 5_000))),
        ])
        #expect(logged["userName"] == "ada@contoso.test" && logged["active"] == "True")
        #expect(logged["password"] == "[Redacted]" && logged["urn:ietf:params:scim:schemas:core:2.0:User:password"] == "[Redacted]")
        #expect(logged["emails[type eq \"work\"].value"] == "a@x;b@x")
        #expect(logged["title"]?.count == 1_024, "bounded")
    }
}
