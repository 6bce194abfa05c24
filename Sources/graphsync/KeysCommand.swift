import ArgumentParser
import Foundation
import GraphSyncApp
import GraphSyncAuthority
import GraphSyncCore

/// `graphsync keys rotate`: a new signing key, published at once and signing after a lead time; keys whose tokens
/// have all expired are removed. `keys list` shows them; `keys revoke KID` removes one at once (a leaked key).
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "The authority's signing keys.", subcommands: [List.self, Rotate.self, Revoke.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the signing keys: which one signs, which are published for verification only.")

        @OptionGroup var options: DataOptions

        func run() async throws {
            try await withRuntime(self.options) { runtime in
                let now = Date()
                let stored = try await runtime.repositories.tenants.signingKeys()
                let signing = stored.first { $0.createdDateTime <= now }?.kid ?? stored.last?.kid
                for key in stored {
                    let state = key.kid == signing ? "signing" : key.createdDateTime > now ? "signs from \(key.createdDateTime.formatted(.iso8601))" : "verifies only"
                    say("\(key.kid)  \(state)")
                }
            }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish a new signing key now and sign with it after --publish-before seconds (every node picks it up within a minute).")

        @OptionGroup var options: DataOptions

        @Option(name: .customLong("publish-before"), help: "Seconds between publishing the new key in JWKS and signing with it.")
        var publishBefore: Double = 600

        func validate() throws {
            guard self.publishBefore.isFinite, (0...86_400).contains(self.publishBefore) else {
                throw ValidationError("--publish-before must be between 0 and 86400 seconds.")
            }
        }

        func run() async throws {
            try await withRuntime(self.options) { runtime in
                // A superseded key is kept until every token it signed has expired: the lifetime, the verifiers' clock skew
                // on both ends, and the minute a node may take to load the newer key.
                let rotated = try await SigningKeyRing.rotate(
                    in: runtime.repositories.tenants, cipher: runtime.cipher, lead: self.publishBefore, retention: 3599 + 2 * 300 + 60)
                say("New signing key \(rotated.kid): published now, signing from \(rotated.activates.formatted(.iso8601)).")
                if !rotated.removed.isEmpty { say("Removed keys whose tokens have all expired: \(rotated.removed.joined(separator: ", ")).") }
                say("Every running node loads it within a minute; tokens signed with the previous key stay valid until they expire.")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a signing key at once (a leaked key): gone from JWKS, never used again, and its tokens refused by every node within a minute.")

        @OptionGroup var options: DataOptions

        @Argument(help: "The key id (kid) to revoke, as `graphsync keys list` and the JWKS show it.")
        var kid: String

        func run() async throws {
            try await withRuntime(self.options) { runtime in
                let signing: String
                do {
                    signing = try await SigningKeyRing.revoke(kid: self.kid, in: runtime.repositories.tenants)
                } catch let refused as SigningKeyRing.RevocationRefused {
                    throw CommandFailure(refused.description)
                }
                say("Revoked \(self.kid): removed from the database. Key \(signing) signs from now on.")
                say("Every running node drops it from JWKS and refuses the tokens it signed within a minute (its next key reload). Clients holding such tokens must get new ones.")
            }
        }
    }
}
