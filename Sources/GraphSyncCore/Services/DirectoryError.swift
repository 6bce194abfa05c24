import Foundation
/// A directory operation that cannot be carried out, in domain terms; the HTTP layer renders it as a Graph error.
public enum DirectoryError: Error, Sendable, Equatable {
    /// The object does not exist (`Request_ResourceNotFound`).
    case notFound(id: String)
    /// The request is well-formed but breaks a directory rule (`Request_BadRequest`).
    case badRequest(String)
    /// The object already exists, or the change conflicts with another object.
    case conflict(String)
    /// The caller's permissions do not reach this object or action (`Authorization_RequestDenied`).
    case forbidden(String)
}
