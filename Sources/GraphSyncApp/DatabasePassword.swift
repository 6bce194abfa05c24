import Foundation

/// A database password kept off the command line, where process lists show it: read from a file or an environment
/// variable and put into the `postgres://` URL (`migrate-data --source-password-file`, `GRAPHSYNC_SOURCE_DATABASE_PASSWORD`).
public enum DatabasePassword {
    /// `url` with the password in `file` (without its trailing newline), else in the environment variable `variable`.
    /// A file must fit the URL (`url(_:password:)`); the variable is used only for a `postgres://` URL with a user and no
    /// password, so one set for another command does not get in the way.
    public static func resolve(
        _ url: String, file: String?, variable: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> String {
        if let file {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw ConfigurationError("Cannot read the database password file \(file).")
            }
            let password = text.trimmingCharacters(in: .newlines)
            guard !password.isEmpty else { throw ConfigurationError("The database password file \(file) is empty.") }
            return try self.url(url, password: password)
        }
        guard let password = environment[variable], !password.isEmpty, let components = URLComponents(string: url),
            ["postgres", "postgresql"].contains(components.scheme?.lowercased() ?? ""), components.user?.isEmpty == false, components.password == nil
        else { return url }
        return try self.url(url, password: password)
    }

    /// `url` with `password` as its password. A URL that already has one, or is not a `postgres://` URL with a user
    /// name, is refused: the password is given once, and only PostgreSQL takes one.
    public static func url(_ url: String, password: String) throws -> String {
        guard var components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme?.lowercased() ?? "") else {
            throw ConfigurationError("A database password goes with a postgres://user@host/database URL, not with \(url.hasPrefix("sqlite:") ? "SQLite" : "this URL").")
        }
        guard components.user?.isEmpty == false else {
            throw ConfigurationError("Name the user in the URL (postgres://user@host/database) when the password comes from a file or the environment.")
        }
        guard components.password == nil else {
            throw ConfigurationError("The URL has a password and a password file or variable is given too: give it once, preferably not in the URL.")
        }
        components.percentEncodedPassword = password.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? password
        return components.string ?? url
    }
}
