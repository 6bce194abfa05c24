import Crypto
import Foundation
import SwiftASN1
import X509

/// The public certificate of a `keyCredential` (`key`, base64 of DER), read to check it is one and for the defaults
/// Graph derives from it.
public struct CertificateKey: Sendable {
    /// SHA-1 of the DER bytes: the thumbprint Graph shows as `customKeyIdentifier`.
    public let thumbprint: Data
    public let notValidBefore: Date
    public let notValidAfter: Date

    /// Nil when `base64` is not base64 of a DER X.509 certificate.
    public init?(base64: String) {
        guard let der = Data(base64Encoded: base64), let certificate = try? Certificate(derEncoded: Array(der)) else { return nil }
        self.thumbprint = Data(Insecure.SHA1.hash(data: der))
        self.notValidBefore = certificate.notValidBefore
        self.notValidAfter = certificate.notValidAfter
    }
}
