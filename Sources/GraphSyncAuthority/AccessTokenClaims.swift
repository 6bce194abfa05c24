import Foundation
import JWTKit

/// The claims of a Microsoft identity platform v2 access token, as GraphSync issues and reads them.
///
/// Signature checks are jwt-kit's; the time, issuer and audience checks are `TokenVerifier`'s, so each
/// failure can be reported with its own message.
public struct AccessTokenClaims: JWTPayload, Equatable {
    public var aud: AudienceClaim
    public var iss: String
    public var iat: Int?
    public var nbf: Int?
    public var exp: Int
    public var tid: String?
    public var oid: String?
    public var sub: String?
    public var azp: String?
    public var appid: String?
    public var azpacr: String?
    public var idtyp: String?
    public var roles: [String]?
    public var scp: String?
    public var wids: [String]?
    public var name: String?
    public var preferred_username: String?
    public var ver: String?
    public var uti: String?

    public init(
        aud: String, iss: String, iat: Int, nbf: Int, exp: Int, tid: String, oid: String, sub: String, azp: String, idtyp: String,
        roles: [String]?, scp: String?, wids: [String]?, name: String?, preferredUsername: String?, uti: String
    ) {
        self.aud = AudienceClaim(value: [aud])
        self.iss = iss
        self.iat = iat
        self.nbf = nbf
        self.exp = exp
        self.tid = tid
        self.oid = oid
        self.sub = sub
        self.azp = azp
        self.appid = azp
        self.azpacr = "1"
        self.idtyp = idtyp
        self.roles = roles
        self.scp = scp
        self.wids = wids
        self.name = name
        self.preferred_username = preferredUsername
        self.ver = "2.0"
        self.uti = uti
    }

    public func verify(using algorithm: some JWTAlgorithm) async throws {}
}
