import Foundation

extension CycleRun {
    /// What is already known about a new object's counterpart in the app before it is provisioned.
    enum MatchHint: Sendable {
        /// The app has it, with this id.
        case found(String)
        /// The app has none: create it without asking again.
        case absent
    }

    /// Looks up new users (no app id yet) in the app `matchBatchSize` at a time with one `or` query each, instead of one
    /// query per user. Only a top-level matching attribute (`userName`, `externalId`) can be batched; users it cannot
    /// settle (a cut-off answer, a value with quotes, an app that refuses the query) get no hint and are matched one by one.
    func matchHints(for users: [User], states: [String: ProvisionedObject], mapping: ObjectMapping) async -> [String: MatchHint] {
        let size = self.engine.settings.matchBatchSize
        guard size > 1 else { return [:] }
        var pending: [(userId: String, attribute: String, value: String)] = []
        for user in users where states[user.id]?.targetId == nil {
            // A user whose matching expression fails gets no hint (and is escrowed when it is provisioned).
            guard let (attribute, value) = try? AttributeMapper.matchingAttribute(mapping, source: AttributeMapper.sourceValues(of: user)),
                !attribute.contains("."), !attribute.contains("["), !value.contains("\""), !value.contains("\\")
            else { continue }
            pending.append((user.id, attribute, value))
        }
        var hints: [String: MatchHint] = [:]
        for (attribute, entries) in Dictionary(grouping: pending, by: \.attribute) {
            for start in stride(from: 0, to: entries.count, by: size) {
                let chunk = entries[start..<min(start + size, entries.count)]
                let filter = chunk.map { "\(attribute) eq \"\($0.value)\"" }.joined(separator: " or ")
                guard let result = try? await self.retrying({
                    try await self.scim.query(self.context.endpoint, resourceType: Self.usersPath, filter: filter, attributes: [attribute], count: chunk.count)
                }) else { return hints }  // the app does not take it: match the rest one by one
                // SCIM compares userName case-insensitively (RFC 7643 §4.1.1), so do the same here.
                var ids: [String: [String]] = [:]
                for resource in result.resources {
                    if let value = resource.attributes[attribute] { ids[value.lowercased(), default: []].append(resource.id) }
                }
                for entry in chunk {
                    switch ids[entry.value.lowercased()] {
                    case let found? where found.count == 1: hints[entry.userId] = .found(found[0])
                    case nil where result.isComplete: hints[entry.userId] = .absent
                    default: continue  // several hits, or an answer that was cut off: ask about this one alone
                    }
                }
            }
        }
        return hints
    }
}
