import Foundation

/// Saved secrets are bound to the destination they were saved with: a secret goes only to the address it was saved
/// for, so a caller who may write synchronization settings cannot point a saved secret at a server of its own.
///
/// - `BaseAddress` (the SCIM app) receives `SecretToken` and `Oauth2AccessToken` as bearer tokens, and tokens minted
///   with `Oauth2ClientSecret` or `Oauth2RefreshToken` go there too, so all four are bound to it.
/// - `Oauth2TokenExchangeUri` (the app's token endpoint) receives `Oauth2ClientSecret` and `Oauth2RefreshToken`.
///
/// When a request changes a saved destination, the secrets configured for the old one (`SecretToken`,
/// `Oauth2ClientSecret`) must come with it (an empty value removes one), or the request is refused; tokens issued for
/// the old one (`Oauth2AccessToken`, `Oauth2RefreshToken`) are dropped, since only a new exchange can replace them.
/// Secrets saved while no destination was saved bind to the first destination saved after them (Entra's portal lets
/// an admin authorize before entering the Tenant URL).
public enum SecretDestinations {
    struct Binding {
        var destination: SynchronizationSecretKey
        /// Secrets a caller configures and must supply again for a new destination.
        var configured: [SynchronizationSecretKey]
        /// Tokens issued for the old destination; dropped when it changes.
        var issued: [SynchronizationSecretKey]
    }

    static let bindings = [
        Binding(
            destination: .baseAddress, configured: [.secretToken, .oauth2ClientSecret],
            issued: [.oauth2AccessToken, .oauth2RefreshToken, .tokenExpiration, .oauth2AccessTokenCreationTime]),
        Binding(destination: .oauth2TokenExchangeUri, configured: [.oauth2ClientSecret], issued: [.oauth2RefreshToken]),
    ]

    /// The saved secrets overlaid with `changes`, with the binding rules applied.
    ///
    /// Throws `SynchronizationError.secretsBoundToDestination` when `changes` move a destination but leave a configured
    /// secret of the old one in place. With `persisting` false (a connection test that saves nothing), a destination
    /// given where none is saved also counts as a move: the first binding only happens when it is saved.
    public static func overlay(
        _ saved: SynchronizationSecrets, with changes: [(SynchronizationSecretKey, String)], persisting: Bool = true
    ) throws -> SynchronizationSecrets {
        var result = saved.overlaid(with: changes)
        let supplied = Set(changes.map(\.0))
        for binding in self.bindings {
            // Secrets saved before any destination (authorize first, enter the Tenant URL after) bind to the first one.
            guard supplied.contains(binding.destination), saved[binding.destination] != nil || !persisting,
                !self.sameDestination(saved[binding.destination], result[binding.destination])
            else { continue }
            let stranded = binding.configured.filter { saved[$0] != nil && !supplied.contains($0) }
            if !stranded.isEmpty {
                let names = stranded.map(\.rawValue).joined(separator: ", ")
                throw SynchronizationError.secretsBoundToDestination(
                    "\(binding.destination.rawValue) differs from the saved one, and the saved \(names) belongs to the saved address: supply \(names) for the new address in the same request (an empty value removes it). GraphSync never sends a saved secret to a destination it was not saved for.")
            }
            for key in binding.issued where !supplied.contains(key) { result[key] = nil }
        }
        return result
    }

    /// The set a `PUT …/secrets` saves: exactly the `pairs` with a value, in their order, plus the tokens
    /// `acquireAccessToken` issued (which a caller cannot send back: they read as `*`) while every destination they are
    /// bound to stays where it was saved. Tokens issued before any destination was saved bind to the first one.
    public static func replacing(_ saved: SynchronizationSecrets, with pairs: [(SynchronizationSecretKey, String)]) -> SynchronizationSecrets {
        var result = SynchronizationSecrets(ordered: pairs)
        let supplied = Set(pairs.map(\.0))
        let issued = self.bindings.flatMap(\.issued)
        for key in saved.keys where issued.contains(key) && !supplied.contains(key) {
            let unmoved = self.bindings.filter { $0.issued.contains(key) }.allSatisfy { binding in
                saved[binding.destination] == nil || self.sameDestination(saved[binding.destination], result[binding.destination])
            }
            if unmoved { result[key] = saved[key] }
        }
        return result
    }

    /// What workload identity federation is bound to: the token GraphSync's assertion obtains goes to `BaseAddress`, the
    /// assertion itself to the token URL, for the client id.
    static let federationBinding: [SynchronizationSecretKey] = [.baseAddress, .oauth2TokenExchangeUri, .oauth2ClientId]

    /// Applies federation's binding to `result` (the secrets about to be saved or used over `saved`). Only a caller who
    /// may manage the application (`mayConfigure`) sets federation up or moves what it is bound to; when anyone else
    /// moves one of them, federation is dropped until it is set up again, and setting it up is refused.
    public static func bindFederation(_ saved: SynchronizationSecrets, _ result: inout SynchronizationSecrets, mayConfigure: Bool) throws {
        guard !mayConfigure, SynchronizationService.isFederated(result) else { return }
        guard SynchronizationService.isFederated(saved) else {
            throw SynchronizationError.federationNotAllowed(
                "Setting up workload identity federation makes GraphSync's authority vouch for the application: it needs Application.ReadWrite.All or Directory.ReadWrite.All, an application administrator role, or ownership of the service principal.")
        }
        if self.federationBinding.contains(where: { !self.sameDestination(saved[$0], result[$0]) }) {
            result[.authenticationType] = nil
        }
    }

    /// Whether two destination URLs name the same place: equal but for surrounding space, the case of the scheme and
    /// host, and a trailing slash. Anything else, including removing the destination, counts as a change.
    static func sameDestination(_ saved: String?, _ new: String?) -> Bool {
        guard let saved, let new else { return saved == nil && new == nil }
        return self.normalized(saved) == self.normalized(new)
    }

    static func normalized(_ url: String) -> String {
        var text = url.trimmingCharacters(in: .whitespacesAndNewlines)
        while text.hasSuffix("/") { text.removeLast() }
        guard var components = URLComponents(string: text) else { return text }
        components.scheme = components.scheme?.lowercased()
        components.host = components.host?.lowercased()
        return components.string ?? text
    }
}
