import ArgumentParser
import Foundation
import GraphSyncApp
import NIOCore
import NIOSSL

/// A command that cannot go on, with what happened and what to do, printed as one line (exit code 1).
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }

    /// A start-up failure in words: a taken port, a directory or file that cannot be used, a bad certificate.
    static func explain(_ error: any Error, host: String, port: Int) -> CommandFailure {
        switch error {
        case let failure as CommandFailure: return failure
        case let failure as ConfigurationError: return CommandFailure(failure.description)
        case let failure as IOError where failure.errnoCode == EADDRINUSE:
            return self.portInUse(host: host, port: port)
        case let failure as IOError where failure.errnoCode == EACCES:
            return CommandFailure("Port \(port) on \(host) needs privileges GraphSync does not have; choose a port above 1023 with --port.")
        case let failure as IOError where failure.errnoCode == EADDRNOTAVAIL:
            return CommandFailure("\(host) is not an address of this machine; choose one it has with --host.")
        case let failure as NIOSSLError:
            return CommandFailure("The TLS certificate or key could not be used (\(failure)); check --tls-cert and --tls-key (PEM files).")
        default:
            return CommandFailure("\(error)")
        }
    }

    static func portInUse(host: String, port: Int) -> CommandFailure {
        CommandFailure("Port \(port) on \(host) is already in use (another graphsync?); choose another with --port.")
    }
}

/// Fails early, before anything is opened, when `host:port` cannot be listened on.
enum PortCheck {
    static func requireFree(host: String, port: Int) throws {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let first = result else {
            throw CommandFailure("\(host) is not an address GraphSync can listen on; check --host.")
        }
        defer { freeaddrinfo(first) }
        let descriptor = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        var yes: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        if bind(descriptor, first.pointee.ai_addr, first.pointee.ai_addrlen) != 0 {
            switch errno {
            case EADDRINUSE: throw CommandFailure.portInUse(host: host, port: port)
            case EACCES: throw CommandFailure("Port \(port) on \(host) needs privileges GraphSync does not have; choose a port above 1023 with --port.")
            case EADDRNOTAVAIL: throw CommandFailure("\(host) is not an address of this machine; choose one it has with --host.")
            default: return
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
