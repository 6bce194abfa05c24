import GraphSyncCore
import Testing

/// Saved secrets go only to the destination saved with them.
@Suite struct SecretDestinationsTests {
    let saved = SynchronizationSecrets([
        .baseAddress: "https://scim.example/v2", .secretToken: "bearer-1", .oauth2AccessToken: "at-1",
        .oauth2TokenExchangeUri: "https://login.example/token", .oauth2ClientSecret: "client-secret", .oauth2RefreshToken: "rt-1",
        .oauth2ClientId: "client",
    ])

    func refused(_ changes: [(SynchronizationSecretKey, String)]) -> Bool {
        do {
            _ = try SecretDestinations.overlay(self.saved, with: changes)
            return false
        } catch SynchronizationError.secretsBoundToDestination {
            return true
        } catch {
            return false
        }
    }

    @Test func movingADestinationNeedsItsSecretsAgain() throws {
        #expect(self.refused([(.baseAddress, "https://evil.example/v2")]))
        #expect(self.refused([(.oauth2TokenExchangeUri, "https://evil.example/token"), (.oauth2AuthorizationCode, "x")]))
        // Supplying (or clearing) the secret for the new destination is fine; tokens of the old one are dropped.
        let moved = try SecretDestinations.overlay(
            self.saved, with: [(.baseAddress, "https://new.example/v2"), (.secretToken, "bearer-2"), (.oauth2ClientSecret, "secret-2")])
        #expect(moved[.secretToken] == "bearer-2" && moved[.oauth2AccessToken] == nil && moved[.oauth2RefreshToken] == nil)
        let cleared = try SecretDestinations.overlay(self.saved, with: [(.oauth2TokenExchangeUri, "https://new.example/token"), (.oauth2ClientSecret, "")])
        #expect(cleared[.oauth2ClientSecret] == nil && cleared[.oauth2RefreshToken] == nil && cleared[.oauth2ClientId] == "client")
        // Tokens minted with the client secret or refresh token go to BaseAddress: moving it needs the client secret again.
        #expect(self.refused([(.baseAddress, "https://evil.example/v2"), (.secretToken, "")]))
        let all = try SecretDestinations.overlay(self.saved, with: [(.baseAddress, "https://new.example/v2"), (.secretToken, ""), (.oauth2ClientSecret, "")])
        #expect(all[.oauth2RefreshToken] == nil && all[.oauth2AccessToken] == nil && all[.oauth2ClientSecret] == nil)
    }

    /// A PUT saves exactly what it sends; tokens acquireAccessToken issued stay only while their destinations do.
    @Test func aReplacementKeepsIssuedTokensOnlyForUnmovedDestinations() {
        let kept = SecretDestinations.replacing(self.saved, with: [
            (.oauth2ClientId, "client"), (.baseAddress, "https://scim.example/v2"), (.oauth2TokenExchangeUri, "https://login.example/token"),
        ])
        #expect(kept.keys == [.oauth2ClientId, .baseAddress, .oauth2TokenExchangeUri, .oauth2AccessToken, .oauth2RefreshToken])
        #expect(kept[.secretToken] == nil && kept[.oauth2ClientSecret] == nil, "configured secrets left out are removed")
        // The SCIM address moved: its access token and the refresh token (which mints tokens for it) are gone.
        let moved = SecretDestinations.replacing(self.saved, with: [(.baseAddress, "https://evil.example/v2"), (.oauth2TokenExchangeUri, "https://login.example/token")])
        #expect(moved.keys == [.baseAddress, .oauth2TokenExchangeUri])
        // Emptying the set (Terraform's delete) leaves nothing.
        #expect(SecretDestinations.replacing(self.saved, with: [(.baseAddress, ""), (.secretToken, "")]).keys.isEmpty)
        // Authorized before any address was saved: the tokens bind to the first one.
        let early = SynchronizationSecrets(ordered: [(.oauth2AccessToken, "at-0"), (.tokenExpiration, "2030-01-01T00:00:00Z")])
        #expect(SecretDestinations.replacing(early, with: [(.baseAddress, "https://scim.example/v2")]).keys == [.baseAddress, .oauth2AccessToken, .tokenExpiration])
    }

    @Test func theSameDestinationWrittenDifferentlyIsNoMove() throws {
        let same = try SecretDestinations.overlay(self.saved, with: [(.baseAddress, " HTTPS://SCIM.example/v2/ ")])
        #expect(same[.secretToken] == "bearer-1" && same[.oauth2AccessToken] == "at-1")
        // A different path on the same host is another destination.
        #expect(self.refused([(.baseAddress, "https://scim.example/other")]))
    }

    @Test func secretsSavedBeforeAnyDestinationBindToTheFirst() throws {
        let authorizedFirst = SynchronizationSecrets([.oauth2AccessToken: "at-1", .secretToken: "bearer-1"])
        let bound = try SecretDestinations.overlay(authorizedFirst, with: [(.baseAddress, "https://scim.example/v2")])
        #expect(bound[.oauth2AccessToken] == "at-1" && bound[.secretToken] == "bearer-1")
        // Only when it is saved: a connection test to an address nobody saved does not take the saved secrets along.
        #expect(throws: SynchronizationError.self) {
            try SecretDestinations.overlay(authorizedFirst, with: [(.baseAddress, "https://scim.example/v2")], persisting: false)
        }
    }

    @Test func federationFollowsNoMovedDestinationUnlessTheAppsManagerMovesIt() throws {
        let federated = SynchronizationSecrets([
            .baseAddress: "https://scim.example/v2", .oauth2TokenExchangeUri: "https://login.example/token", .oauth2ClientId: "client",
            .authenticationType: SynchronizationService.workloadIdentityFederation,
        ])
        for key in [SynchronizationSecretKey.baseAddress, .oauth2TokenExchangeUri, .oauth2ClientId] {
            var moved = federated.overlaid(with: [(key, "https://evil.example/\(key.rawValue)")])
            try SecretDestinations.bindFederation(federated, &moved, mayConfigure: false)
            #expect(!SynchronizationService.isFederated(moved), "moving \(key.rawValue) drops federation")
            var byManager = federated.overlaid(with: [(key, "https://new.example/\(key.rawValue)")])
            try SecretDestinations.bindFederation(federated, &byManager, mayConfigure: true)
            #expect(SynchronizationService.isFederated(byManager))
        }
        var unmoved = federated.overlaid(with: [(.baseAddress, "HTTPS://scim.example/v2/"), (.syncAll, "True")])
        try SecretDestinations.bindFederation(federated, &unmoved, mayConfigure: false)
        #expect(SynchronizationService.isFederated(unmoved), "other settings leave it alone")
        var setUp = self.saved.overlaid(with: [(.authenticationType, SynchronizationService.workloadIdentityFederation)])
        #expect(throws: SynchronizationError.self) { try SecretDestinations.bindFederation(self.saved, &setUp, mayConfigure: false) }
    }
}
