import Foundation

/// What a PUT sends when it stands in for a PATCH: the resource the app has, with the mapped values laid over it.
/// A PUT replaces everything (RFC 7644 §3.5.1), so starting from the app's own copy keeps what GraphSync does not map
/// (roles, attributes set only on create) as it is.
enum SCIMResourceOverlay {
    /// `current` with `mapped` laid over it, keys compared case-insensitively (RFC 7643 §2.1): objects merge member by
    /// member; multi-valued attributes whose entries carry a `type` (emails, phoneNumbers) merge entry by type; any
    /// other value replaces the app's; a `null` in `mapped` removes the attribute. `schemas` is the union of both, and
    /// the read-only `meta` is left out.
    static func overlay(_ current: JSONValue, with mapped: JSONValue) -> JSONValue {
        guard case .object(var members) = current, case .object(let changes) = mapped else { return mapped }
        members.removeAll { $0.0.lowercased() == "meta" }
        for (key, value) in changes {
            let index = members.firstIndex { $0.0.caseInsensitiveCompare(key) == .orderedSame }
            switch (index.map { members[$0].1 }, value) {
            case (_, .null):
                if let index { members.remove(at: index) }
            case (.array(let had)?, .array(let new)) where key == "schemas":
                members[index!].1 = .array(had + new.filter { !had.contains($0) })
            case (.object?, .object), (.array?, .array):
                members[index!].1 = Self.merge(members[index!].1, value)
            case (_?, _):
                members[index!].1 = value
            case (nil, _):
                members.append((key, value))
            }
        }
        return .object(members)
    }

    private static func merge(_ current: JSONValue, _ mapped: JSONValue) -> JSONValue {
        switch (current, mapped) {
        case (.object, .object): return self.overlay(current, with: mapped)
        case (.array(let had), .array(let new)) where new.allSatisfy({ $0["type"]?.stringValue != nil }):
            var entries = had
            for entry in new {
                let type = entry["type"]?.stringValue?.lowercased()
                // The entry of that type, or an untyped one with the same value (not a second copy of it).
                let index = entries.firstIndex { $0["type"]?.stringValue?.lowercased() == type }
                    ?? entries.firstIndex { $0["type"] == nil && $0["value"] != nil && $0["value"] == entry["value"] }
                if let index {
                    entries[index] = self.overlay(entries[index], with: entry)
                } else {
                    entries.append(entry)
                }
            }
            // At most one primary (RFC 7643 §2.4): the mapped one, when it is.
            if let primary = new.last(where: { $0["primary"] == .bool(true) }) {
                let type = primary["type"]?.stringValue?.lowercased()
                entries = entries.map { entry in
                    guard entry["primary"] == .bool(true), entry["type"]?.stringValue?.lowercased() != type, case .object(var members) = entry else { return entry }
                    members.removeAll { $0.0 == "primary" }
                    return .object(members)
                }
            }
            return .array(entries)
        default: return mapped
        }
    }
}
