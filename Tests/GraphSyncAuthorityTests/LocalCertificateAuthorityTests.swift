import Foundation
import GraphSyncAuthority
import SwiftASN1
import Testing
import X509

@Suite struct LocalCertificateAuthorityTests {
    /// A fresh temporary data directory (not created yet, so `loadOrCreate` has to create it).
    static func makeDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("graphsync-ca-\(UUID().uuidString)/tls").path
    }

    /// Removes the temporary tree made by ``makeDirectory()``.
    static func remove(_ directory: String) {
        try? FileManager.default.removeItem(atPath: (directory as NSString).deletingLastPathComponent)
    }

    static func read(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }

    static func permissions(_ path: String) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    /// All certificates in a PEM file, in order.
    static func certificates(_ path: String) throws -> [Certificate] {
        try PEMDocument.parseMultiple(pemString: try Self.read(path)).map { try Certificate(pemDocument: $0) }
    }

    /// Runs an executable found on `PATH`; `nil` when it is not installed.
    static func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String)? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let path else { return nil }
        let process = Process()
        let pipe = Pipe()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func verify(_ leaf: Certificate, ca: Certificate, hostname: String?, ip: String?) async -> Bool {
        var verifier = Verifier(rootCertificates: CertificateStore([ca])) {
            RFC5280Policy()
            ServerIdentityPolicy(serverHostname: hostname, serverIP: ip)
        }
        if case .validCertificate = await verifier.validate(leaf: leaf, intermediates: CertificateStore()) { return true }
        return false
    }

    @Test func createsFilesWithPrivatePermissions() throws {
        let directory = Self.makeDirectory()
        defer { Self.remove(directory) }
        let authority = try LocalCertificateAuthority.loadOrCreate(in: directory)
        #expect(authority.caCertificatePath == directory + "/ca.pem")
        #expect(authority.serverCertificatePath == directory + "/server.pem")
        #expect(authority.serverKeyPath == directory + "/server-key.pem")
        for path in [authority.caCertificatePath, authority.serverCertificatePath, authority.serverKeyPath] {
            #expect(FileManager.default.fileExists(atPath: path))
        }
        #expect(try Self.permissions(directory) == 0o700)
        #expect(try Self.permissions(authority.serverKeyPath) == 0o600)
        #expect(try Self.permissions(directory + "/ca-key.pem") == 0o600)
        #expect(try Self.read(authority.serverKeyPath).hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)

        let chain = try Self.certificates(authority.serverCertificatePath)
        let ca = try #require(try Self.certificates(authority.caCertificatePath).first)
        try #require(chain.count == 2)
        #expect(chain[1] == ca)
        #expect(ca.subject.description == "CN=GraphSync Local CA,O=GraphSync")
        #expect(try ca.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
        #expect(ca.extensions[oid: .X509ExtensionID.basicConstraints]?.critical == true)
        #expect(try ca.extensions.keyUsage == KeyUsage(keyCertSign: true, cRLSign: true))
        #expect(try ca.extensions.subjectKeyIdentifier != nil)

        let server = chain[0]
        #expect(server.issuer == ca.subject)
        #expect(server.signatureAlgorithm == .ecdsaWithSHA256)
        #expect(server.notValidAfter.timeIntervalSince(server.notValidBefore) <= 825 * 86_400)
        #expect(try server.extensions.basicConstraints == .notCertificateAuthority)
        #expect(try server.extensions.keyUsage == KeyUsage(digitalSignature: true))
        #expect(try server.extensions.extendedKeyUsage == ExtendedKeyUsage([.serverAuth]))
        #expect(
            try server.extensions.authorityKeyIdentifier?.keyIdentifier
                == ca.extensions.subjectKeyIdentifier?.keyIdentifier
        )
        let names = try #require(try server.extensions.subjectAlternativeNames)
        #expect(names.contains(.dnsName("localhost")))
        #expect(names.contains(.ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))))
        #expect(names.contains(.ipAddress(ASN1OctetString(contentBytes: ArraySlice([UInt8](repeating: 0, count: 15) + [1])))))
    }

    @Test func reloadKeepsCertificatesAndNewHostReissuesServerOnly() async throws {
        let directory = Self.makeDirectory()
        defer { Self.remove(directory) }
        let first = try LocalCertificateAuthority.loadOrCreate(in: directory)
        let caPEM = try Self.read(first.caCertificatePath)
        let serverPEM = try Self.read(first.serverCertificatePath)
        let serverKey = try Self.read(first.serverKeyPath)

        let again = try LocalCertificateAuthority.loadOrCreate(in: directory)
        #expect(try Self.read(again.caCertificatePath) == caPEM)
        #expect(try Self.read(again.serverCertificatePath) == serverPEM)
        #expect(try Self.read(again.serverKeyPath) == serverKey)

        let extended = try LocalCertificateAuthority.loadOrCreate(in: directory, extraHosts: ["graphsync.test", "10.1.2.3"])
        #expect(try Self.read(extended.caCertificatePath) == caPEM)
        #expect(try Self.read(extended.serverCertificatePath) != serverPEM)
        let ca = try #require(try Self.certificates(extended.caCertificatePath).first)
        let server = try #require(try Self.certificates(extended.serverCertificatePath).first)
        let names = try #require(try server.extensions.subjectAlternativeNames)
        #expect(names.contains(.dnsName("graphsync.test")))
        #expect(names.contains(.ipAddress(ASN1OctetString(contentBytes: [10, 1, 2, 3]))))

        // Asking for a subset of the covered hosts (different case too) does not re-issue.
        let reissued = try Self.read(extended.serverCertificatePath)
        _ = try LocalCertificateAuthority.loadOrCreate(in: directory, extraHosts: ["GraphSync.test"])
        #expect(try Self.read(extended.serverCertificatePath) == reissued)

        #expect(await Self.verify(server, ca: ca, hostname: "localhost", ip: nil))
        #expect(await Self.verify(server, ca: ca, hostname: nil, ip: "127.0.0.1"))
        #expect(await Self.verify(server, ca: ca, hostname: nil, ip: "::1"))
        #expect(await Self.verify(server, ca: ca, hostname: "graphsync.test", ip: nil))
        #expect(await Self.verify(server, ca: ca, hostname: "other.test", ip: nil) == false)
    }

    @Test func expiringServerCertificateIsReissuedBySameCA() throws {
        let directory = Self.makeDirectory()
        defer { Self.remove(directory) }
        let authority = try LocalCertificateAuthority.loadOrCreate(in: directory)
        let caPEM = try Self.read(authority.caCertificatePath)
        let serverPEM = try Self.read(authority.serverCertificatePath)
        let later = Date().addingTimeInterval(710 * 86_400)
        _ = try LocalCertificateAuthority.loadOrCreate(in: directory, now: later)
        #expect(try Self.read(authority.caCertificatePath) == caPEM)
        #expect(try Self.read(authority.serverCertificatePath) != serverPEM)
        let server = try #require(try Self.certificates(authority.serverCertificatePath).first)
        #expect(server.notValidAfter > later.addingTimeInterval(700 * 86_400))
    }

    @Test func rejectsInvalidHosts() {
        let directory = Self.makeDirectory()
        defer { Self.remove(directory) }
        #expect(throws: InvalidCertificateHostError.self) {
            try LocalCertificateAuthority.loadOrCreate(in: directory, extraHosts: ["not a host"])
        }
        #expect(!FileManager.default.fileExists(atPath: directory))
    }

    @Test func openSSLAndPythonAcceptTheChain() throws {
        let directory = Self.makeDirectory()
        defer { Self.remove(directory) }
        let authority = try LocalCertificateAuthority.loadOrCreate(in: directory, extraHosts: ["graphsync.test"])
        let ca = authority.caCertificatePath
        let chain = authority.serverCertificatePath
        let key = authority.serverKeyPath
        let checks = [["-verify_hostname", "localhost"], ["-verify_ip", "127.0.0.1"], ["-verify_ip", "::1"], ["-verify_hostname", "graphsync.test"]]
        for check in checks {
            let arguments = ["verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", ca] + check + [chain]
            if let result = try Self.run("openssl", arguments) {
                #expect(result.status == 0, "openssl \(arguments): \(result.output)")
            }
        }
        // A real TLS handshake: Python's ssl serves the chain and verifies it as a strict client.
        let script = """
            import socket, ssl, sys, threading
            ca, chain, key, names = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
            server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            server.load_cert_chain(chain, key)
            client = ssl.create_default_context(cafile=ca)
            client.verify_flags |= ssl.VERIFY_X509_STRICT
            for name in names:
                listener = socket.create_server(("127.0.0.1", 0))
                def serve():
                    conn, _ = listener.accept()
                    try:
                        with server.wrap_socket(conn, server_side=True) as s: s.recv(1)
                    except (ssl.SSLError, OSError): pass
                thread = threading.Thread(target=serve); thread.start()
                with socket.create_connection(listener.getsockname()) as raw:
                    with client.wrap_socket(raw, server_hostname=name) as tls: print(name, tls.version())
                thread.join(); listener.close()
            """
        let names = ["localhost", "127.0.0.1", "::1", "graphsync.test"]
        if let result = try Self.run("python3", ["-c", script, ca, chain, key] + names) {
            #expect(result.status == 0, "python: \(result.output)")
        }
    }
}
