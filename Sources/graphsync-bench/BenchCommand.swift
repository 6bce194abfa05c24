import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NIOCore

/// `graphsync-bench`: helpers for the benchmarks in `Benchmarks/` (driven by `Benchmarks/run.sh`).
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graphsync-bench", abstract: "Benchmark helpers for GraphSync.", subcommands: [TokenEndpointCommand.self, SCIMTargetCommand.self, SCIMLoadCommand.self, SeedCommand.self, WaitJobCommand.self, PagesCommand.self])
}

/// A fast OAuth 2.0 token endpoint that answers every well-formed grant with tokens, so the benchmark measures
/// GraphSync's side of `acquireAccessToken`, not the peer's.
struct TokenEndpointCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token-endpoint", abstract: "Serve POST /token on 127.0.0.1.")

    @Option var port = 9400

    func run() async throws {
        let router = Router()
        let counter = Counter()
        router.post("token") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 16)
            let form = String(buffer: body)
            guard form.contains("grant_type=") else {
                return Self.json(400, #"{"error":"invalid_request","error_description":"grant_type is required"}"#)
            }
            let n = counter.next()
            return Self.json(200, "{\"access_token\":\"bench-at-\(n)\",\"token_type\":\"Bearer\",\"expires_in\":3600,\"refresh_token\":\"bench-rt-\(n)\"}")
        }
        var logger = Logger(label: "bench-token-endpoint")
        logger.logLevel = .error
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: self.port)),
            onServerRunning: { channel in
                FileHandle.standardOutput.write(Data("token endpoint ready: http://127.0.0.1:\(channel.localAddress?.port ?? self.port)/token\n".utf8))
            }, logger: logger)
        try await app.runService()
    }

    static func json(_ status: Int, _ text: String) -> Response {
        var response = Response(status: .init(code: status), body: .init(byteBuffer: ByteBuffer(string: text)))
        response.headers[.contentType] = "application/json"
        return response
    }
}

import Synchronization

final class Counter: Sendable {
    private let value = Atomic<Int>(0)
    func next() -> Int { self.value.wrappingAdd(1, ordering: .relaxed).newValue }
}
