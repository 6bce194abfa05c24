import Foundation
import GraphSyncApp
import GraphSyncCore

/// Prints the facts a person (or a script, with `--json`) needs after initialisation.
struct BootstrapReport {
    let facts: Bootstrapper.Facts
    let configuration: AppConfiguration
    let caCertificatePath: String
    /// `--host`/`--port`/`--http` as given to this command, repeated in printed commands so they work as copied.
    var issuerFlags = ""

    var baseURL: String {
        if let publicURL = self.configuration.publicURL { return publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL }
        let host = self.configuration.host.contains(":") ? "[\(self.configuration.host)]" : self.configuration.host
        let shown = ["0.0.0.0", "[::]"].contains(host) ? "127.0.0.1" : host
        return "\(self.configuration.scheme)://\(shown):\(self.configuration.port)"
    }

    func json() throws -> String {
        let object: [String: String] = [
            "tenantId": self.facts.tenantId, "clientId": self.facts.clientId, "clientSecret": self.facts.clientSecret,
            "adminUserPrincipalName": self.facts.adminUserPrincipalName, "adminPassword": self.facts.adminPassword,
            "authority": "\(self.baseURL)/\(self.facts.tenantId)", "graphBaseUrl": "\(self.baseURL)/v1.0",
            "caCertPath": self.caCertificatePath,
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(object), as: UTF8.self)
    }

    func text() -> String {
        """
        GraphSync tenant \(self.facts.tenantId) (data: \(self.configuration.dataDirectory))

          Console (sign in as the admin)   \(self.baseURL)/console
          Authority (token endpoint base)  \(self.baseURL)/\(self.facts.tenantId)
          Graph base URL                   \(self.baseURL)/v1.0   (also /beta)
          CA certificate                   \(self.caCertificatePath)

          Bootstrap admin application      client id      \(self.facts.clientId)
                                           client secret  \(self.facts.clientSecret)
          Bootstrap admin user             \(self.facts.adminUserPrincipalName)
                                           password       \(self.facts.adminPassword)

          The secret and password are shown once; `graphsync init` issues new ones.
          Trust the CA:  export SSL_CERT_FILE=\(self.caCertificatePath) REQUESTS_CA_BUNDLE=\(self.caCertificatePath)
          Get a token:   graphsync token --data-dir \(InitCommand.absolute(self.configuration.dataDirectory))\(self.issuerFlags) --client-id \(self.facts.clientId) --client-secret '\(self.facts.clientSecret)'
        """
    }
}
