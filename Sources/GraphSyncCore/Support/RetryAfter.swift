import Foundation

/// `Retry-After` (RFC 9110 §10.2.3) as a delay a client may honour: `delay-seconds` (1*DIGIT) or an `HTTP-date`.
///
/// Anything else (a sign, a fraction, `nan`, `inf`, an unparseable date) is ignored; the delay is clamped to
/// `0...maximum`, so no value an app sends can trap a conversion or park a request for long.
public enum RetryAfter {
    /// The delay in seconds, or nil when the header is absent or malformed.
    public static func delay(_ header: String?, now: Date = Date(), maximum: TimeInterval = 300) -> TimeInterval? {
        guard let header else { return nil }
        let value = header.trimmingCharacters(in: .whitespaces)
        guard !value.isEmpty, value.utf8.count <= 64 else { return nil }
        if value.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            // 1*DIGIT of any length: more digits than fit saturate at the maximum instead of overflowing.
            guard let seconds = Int(value) else { return maximum }
            return min(TimeInterval(seconds), maximum)
        }
        guard let date = HTTPDate.parse(value) else { return nil }
        let delay = date.timeIntervalSince(now)
        guard delay.isFinite else { return nil }
        return min(max(delay, 0), maximum)
    }
}

/// `HTTP-date` (RFC 9110 §5.6.7): IMF-fixdate, and the obsolete RFC 850 and asctime forms recipients must accept.
public enum HTTPDate {
    private static let formats = ["EEE, dd MMM yyyy HH:mm:ss 'GMT'", "EEEE, dd-MMM-yy HH:mm:ss 'GMT'", "EEE MMM d HH:mm:ss yyyy"]

    public static func parse(_ text: String) -> Date? {
        for format in self.formats {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}

extension Duration {
    /// The duration in seconds, fractions included.
    public var inSeconds: Double { Double(self.components.seconds) + Double(self.components.attoseconds) / 1e18 }

    /// `seconds` as a Duration, or zero when it is negative, not finite or absurdly large: safe for any value from
    /// the network (`.seconds(Double)` and `Int(Double)` trap on NaN and infinities).
    public static func clamped(seconds: TimeInterval, maximum: TimeInterval = 86_400) -> Duration {
        guard seconds.isFinite, seconds > 0 else { return .zero }
        return .milliseconds(Int64(min(seconds, maximum) * 1000))
    }
}
