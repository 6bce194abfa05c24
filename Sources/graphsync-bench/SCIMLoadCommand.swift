import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A plain concurrent SCIM client: creates N users as fast as the target takes them (the target's own ingest rate).
/// With `--pattern entra` (the default) it sends what Entra sends for each new user, a `userName eq` filter query and
/// then the POST; with `--pattern post` only the POST.
struct SCIMLoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "scim-load", abstract: "Create N users in a SCIM target and print users/s.")

    enum Pattern: String, ExpressibleByArgument { case entra, post }

    @Option var base: String
    @Option var count = 10_000
    @Option var concurrency = 8
    @Option var token = "bench-token"
    @Option var prefix = "load"
    @Option var pattern = Pattern.entra

    func run() async throws {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let started = ContinuousClock.now
        var failures = 0
        try await withThrowingTaskGroup(of: Bool.self) { group in
            var next = 0
            func add() {
                let index = next
                next += 1
                group.addTask {
                    let userName = "\(self.prefix)\(index)@load.test"
                    if self.pattern == .entra {
                        let filter = "userName eq \"\(userName)\"".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                        var query = HTTPClientRequest(url: "\(self.base)/Users?filter=\(filter)")
                        query.headers.add(name: "Authorization", value: "Bearer \(self.token)")
                        let found = try await client.execute(query, timeout: .seconds(30))
                        _ = try await found.body.collect(upTo: 1 << 20)
                        guard found.status.code == 200 else { return false }
                    }
                    var request = HTTPClientRequest(url: "\(self.base)/Users")
                    request.method = .POST
                    request.headers.add(name: "Authorization", value: "Bearer \(self.token)")
                    request.headers.add(name: "Content-Type", value: "application/scim+json")
                    // The attributes GraphSync's default user mapping sends for a seeded user.
                    let body = """
                        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"externalId":"user\(index)",\
                        "userName":"\(userName)","active":true,"displayName":"User \(index)",\
                        "name":{"givenName":"User","familyName":"\(index)"},\
                        "emails":[{"primary":true,"type":"work","value":"\(userName)"}]}
                        """
                    request.body = .bytes(ByteBuffer(string: body))
                    let response = try await client.execute(request, timeout: .seconds(30))
                    _ = try await response.body.collect(upTo: 1 << 20)
                    return response.status.code == 201
                }
            }
            for _ in 0..<min(self.concurrency, self.count) { add() }
            while let ok = try await group.next() {
                if !ok { failures += 1 }
                if next < self.count { add() }
            }
        }
        let seconds = Double((ContinuousClock.now - started).components.attoseconds) / 1e18 + Double((ContinuousClock.now - started).components.seconds)
        try await client.shutdown()
        print(String(format: "%d users in %.1f s: %.0f users/s (%d failed)", self.count, seconds, Double(self.count) / seconds, failures))
    }
}
