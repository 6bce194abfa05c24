import Foundation
import Hummingbird
import HTTPTypes
import Mustache

/// Renders the authority's pages with the headers every page carries: no caching, no framing, a content security
/// policy that allows only the page's own styles (and, on a form_post page, its one script and its form target).
struct PageRenderer: Sendable {
    let library: MustacheLibrary

    init() {
        var library = MustacheLibrary()
        for (name, text) in PageTemplates.all.merging(ConsoleTemplates.all, uniquingKeysWith: { first, _ in first }) {
            // The templates are constants of this binary: a syntax error is a programming error caught by every test.
            try! library.register(text, named: name)
        }
        self.library = library
    }

    func render(_ template: String, _ values: [String: Any], status: HTTPResponse.Status = .ok, formTarget: String? = nil, scriptNonce: String? = nil) -> Response {
        let html = self.library.render(Self.withoutNils(values) ?? [:], withTemplate: template) ?? ""
        var response = Response(status: status, body: .init(byteBuffer: ByteBuffer(string: html)))
        response.headers[.contentType] = "text/html; charset=utf-8"
        response.headers[.cacheControl] = "no-store"
        response.headers[.pragma] = "no-cache"
        response.headers[.xFrameOptions] = "DENY"
        response.headers[.referrerPolicy] = "no-referrer"
        response.headers[.xContentTypeOptions] = "nosniff"
        let script = scriptNonce.map { "'nonce-\($0)'" } ?? "'none'"
        let forms = ["'self'"] + (formTarget.flatMap(Self.origin).map { [$0] } ?? [])
        // A page with a script may fetch from its own origin (the console's live progress), nothing else.
        let connect = scriptNonce == nil ? "" : " connect-src 'self';"
        response.headers[.contentSecurityPolicy] =
            "default-src 'none'; style-src 'unsafe-inline'; script-src \(script);\(connect) form-action \(forms.joined(separator: " ")); frame-ancestors 'none'; base-uri 'none'"
        return response
    }

    /// The values with every absent optional removed (Mustache would print a stored `nil` as the text "nil"), and
    /// optionals unwrapped, through nested dictionaries and arrays.
    static func withoutNils(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first?.value else { return nil }
            return self.withoutNils(wrapped)
        }
        if let dictionary = value as? [String: Any] { return dictionary.compactMapValues { self.withoutNils($0) } }
        if let array = value as? [Any] { return array.compactMap { self.withoutNils($0) } }
        return value
    }

    /// A page with a heading and a sentence (errors and confirmations).
    func message(_ heading: String, _ text: String, status: HTTPResponse.Status = .ok) -> Response {
        self.render("message", ["heading": heading, "text": text], status: status)
    }

    /// `scheme://host[:port]` of a URL, for the CSP's form-action.
    static func origin(_ url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else { return nil }
        let port = components.port.map { ":\($0)" } ?? ""
        return "\(scheme)://\(host.contains(":") ? "[\(host)]" : host)\(port)"
    }
}

extension HTTPField.Name {
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let xContentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
}
