import Crypto
import Foundation
import SwiftASN1
import X509

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A host given to ``LocalCertificateAuthority`` that is neither an IP literal nor a valid DNS name.
public struct InvalidCertificateHostError: Error, Sendable, Equatable {
    public let host: String
}

/// A self-generated local certificate authority and the server certificate it issues, kept in a data directory.
public struct LocalCertificateAuthority: Sendable {
    /// The CA certificate PEM (`<dir>/ca.pem`); clients trust this file.
    public let caCertificatePath: String
    /// The server certificate PEM followed by the CA certificate PEM (`<dir>/server.pem`).
    public let serverCertificatePath: String
    /// The server private key as PKCS#8 PEM (`<dir>/server-key.pem`).
    public let serverKeyPath: String
    /// The CA private key as PKCS#8 PEM (`<dir>/ca-key.pem`).
    let caKeyPath: String

    static let renewalWindow: TimeInterval = 30 * 86_400
    static let caLifetime: TimeInterval = 3_650 * 86_400
    static let serverLifetime: TimeInterval = 730 * 86_400
    static let clockSkew: TimeInterval = 3_600
    typealias Issuer = (certificate: Certificate, key: P256.Signing.PrivateKey)

    init(directory: String) {
        self.caCertificatePath = directory + "/ca.pem"
        self.caKeyPath = directory + "/ca-key.pem"
        self.serverCertificatePath = directory + "/server.pem"
        self.serverKeyPath = directory + "/server-key.pem"
    }

    /// Loads the CA and server certificate from `directory`, creating any that are missing (directory created with 0700, key files 0600).
    /// The server certificate covers DNS `localhost`, IP 127.0.0.1 and ::1 plus `extraHosts` (each either an IP literal or DNS name).
    /// It is re-issued (by the same CA) when missing, expiring within 30 days, or when it does not cover every requested host.
    /// The CA itself is only re-created when missing, unreadable, or expiring within 30 days.
    public static func loadOrCreate(
        in directory: String,
        extraHosts: [String] = [],
        now: Date = Date()
    ) throws -> LocalCertificateAuthority {
        var names: [GeneralName] = []
        for host in ["localhost", "127.0.0.1", "::1"] + extraHosts {
            let name = try Self.generalName(for: host)
            if !names.contains(name) { names.append(name) }
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let authority = LocalCertificateAuthority(directory: directory)
        let renewBefore = now.addingTimeInterval(Self.renewalWindow)

        let ca: Issuer
        if let loaded = Self.load(certificate: authority.caCertificatePath, key: authority.caKeyPath),
            loaded.certificate.notValidAfter > renewBefore
        {
            ca = loaded
        } else {
            ca = try Self.makeCA(now: now)
            try Self.writeAtomically(ca.key.pemRepresentation, to: authority.caKeyPath, mode: 0o600)
            try Self.writeAtomically(try Self.pem(ca.certificate), to: authority.caCertificatePath, mode: 0o644)
        }

        if let server = Self.load(certificate: authority.serverCertificatePath, key: authority.serverKeyPath),
            server.certificate.notValidAfter > renewBefore,
            let chain = try? String(contentsOfFile: authority.serverCertificatePath, encoding: .utf8),
            chain == (try Self.pem(server.certificate) + Self.pem(ca.certificate)),
            ca.certificate.publicKey.isValidSignature(server.certificate.signature, for: server.certificate),
            let covered = try? server.certificate.extensions.subjectAlternativeNames,
            names.allSatisfy(covered.contains)
        {
            return authority
        }
        let serverKey = P256.Signing.PrivateKey()
        let server = try Self.issueServerCertificate(for: serverKey, names: names, ca: ca, now: now)
        try Self.writeAtomically(serverKey.pemRepresentation, to: authority.serverKeyPath, mode: 0o600)
        try Self.writeAtomically(try Self.pem(server) + Self.pem(ca.certificate), to: authority.serverCertificatePath, mode: 0o644)
        return authority
    }

    /// Creates a self-signed CA with a fresh P-256 key.
    static func makeCA(now: Date) throws -> Issuer {
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        let name = try DistinguishedName {
            OrganizationName("GraphSync")
            CommonName("GraphSync Local CA")
        }
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: publicKey,
            notValidBefore: now.addingTimeInterval(-Self.clockSkew),
            notValidAfter: now.addingTimeInterval(Self.caLifetime),
            issuer: name,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: publicKey)
            },
            issuerPrivateKey: Certificate.PrivateKey(key)
        )
        return (certificate, key)
    }

    /// Issues a TLS server certificate for `key` covering `names`, signed by `ca`.
    static func issueServerCertificate(
        for key: P256.Signing.PrivateKey,
        names: [GeneralName],
        ca: Issuer,
        now: Date
    ) throws -> Certificate {
        let publicKey = Certificate.PublicKey(key.publicKey)
        let caKeyIdentifier =
            try ca.certificate.extensions.subjectKeyIdentifier?.keyIdentifier
            ?? SubjectKeyIdentifier(hash: ca.certificate.publicKey).keyIdentifier
        return try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: publicKey,
            notValidBefore: now.addingTimeInterval(-Self.clockSkew),
            notValidAfter: now.addingTimeInterval(Self.serverLifetime),
            issuer: ca.certificate.subject,
            subject: try DistinguishedName {
                OrganizationName("GraphSync")
                CommonName("localhost")
            },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names)
                AuthorityKeyIdentifier(keyIdentifier: caKeyIdentifier)
                SubjectKeyIdentifier(hash: publicKey)
            },
            issuerPrivateKey: Certificate.PrivateKey(ca.key)
        )
    }

    /// Maps a host to an `iPAddress` SAN when it is an IPv4/IPv6 literal, otherwise to a lowercased `dNSName`.
    static func generalName(for host: String) throws -> GeneralName {
        var trimmed = host.trimmingCharacters(in: .whitespaces).lowercased()
        if trimmed.hasPrefix("["), trimmed.hasSuffix("]") { trimmed = String(trimmed.dropFirst().dropLast()) }
        if trimmed.hasSuffix(".") { trimmed.removeLast() }
        var v4 = in_addr()
        if inet_pton(AF_INET, trimmed, &v4) == 1 {
            return .ipAddress(ASN1OctetString(contentBytes: withUnsafeBytes(of: &v4) { ArraySlice($0) }))
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, trimmed, &v6) == 1 {
            return .ipAddress(ASN1OctetString(contentBytes: withUnsafeBytes(of: &v6) { ArraySlice($0) }))
        }
        let labels = trimmed.split(separator: ".", omittingEmptySubsequences: false)
        let valid =
            !trimmed.isEmpty && trimmed.utf8.count <= 253
            && labels.allSatisfy { label in
                (1...63).contains(label.utf8.count) && !label.hasPrefix("-") && !label.hasSuffix("-")
                    && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            }
        guard valid else { throw InvalidCertificateHostError(host: host) }
        return .dnsName(trimmed)
    }

    /// Reads a certificate (the first PEM block) and its matching P-256 key; `nil` if either is missing or they differ.
    static func load(certificate path: String, key keyPath: String) -> Issuer? {
        guard let pem = try? String(contentsOfFile: path, encoding: .utf8),
            let first = try? PEMDocument.parseMultiple(pemString: pem).first,
            let certificate = try? Certificate(pemDocument: first),
            let keyPEM = try? String(contentsOfFile: keyPath, encoding: .utf8),
            let key = try? P256.Signing.PrivateKey(pemRepresentation: keyPEM),
            certificate.publicKey == Certificate.PublicKey(key.publicKey)
        else { return nil }
        return (certificate, key)
    }

    /// PEM text of `certificate`, newline-terminated.
    static func pem(_ certificate: Certificate) throws -> String {
        try certificate.serializeAsPEM().pemString + "\n"
    }

    /// Writes `contents` to a temporary file with `mode` in the same directory, then renames it over `path`.
    static func writeAtomically(_ contents: String, to path: String, mode: mode_t) throws {
        let temporary = path + ".tmp-" + UUID().uuidString
        func failure() -> POSIXError { POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard descriptor >= 0 else { throw failure() }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do {
            guard fchmod(descriptor, mode) == 0 else { throw failure() }
            try handle.write(contentsOf: Data(contents.utf8))
            try handle.synchronize()
            try handle.close()
            guard rename(temporary, path) == 0 else { throw failure() }
        } catch {
            unlink(temporary)
            throw error
        }
    }
}
