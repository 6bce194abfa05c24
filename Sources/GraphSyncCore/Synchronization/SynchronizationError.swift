/// A synchronization operation that failed, in domain terms; the HTTP layer picks the Graph status and code.
public enum SynchronizationError: Error, Sendable, Equatable {
    /// The request lacks inputs the operation needs (400).
    case missingCredentials(String)
    /// The request moves a destination but leaves a saved secret of the old one in place (400).
    case secretsBoundToDestination(String)
    /// The caller may not set up workload identity federation (403).
    case federationNotAllowed(String)
    /// The token URL may not be called (400).
    case destinationRefused(String)
    /// The application's token endpoint refused the exchange with an OAuth error (400).
    case exchangeRefused(error: String, description: String?)
    /// The token endpoint gave no usable answer (502).
    case badGateway(String)
    /// The token endpoint did not answer in time (504).
    case gatewayTimeout(String)
}
