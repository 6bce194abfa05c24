import Foundation

/// Entra's attribute-mapping expressions as text (`Join(" ", [givenName], [surname])`), parsed into the
/// `attributeMappingSource` tree a schema stores: `[name]` is an attribute, `"text"` (with `\"` and `\\` escapes) or a
/// bare token (`3`, `vbTextCompare`) a constant, `Name(…)` a function whose parameters may be empty
/// (`Switch([IsSoftDeleted], , "False", "True")`), and `a = b` a comparison, which Entra writes as `IIF`'s condition
/// (`IIF([country]="USA", [country], [department])`) and GraphSync stores as the function `Equals(a, b)`.
/// Bounded: at most 4,096 characters and 32 levels of nesting.
public enum MappingExpression {
    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { self.message }
        public init(message: String) { self.message = message }
    }

    public static func parse(_ text: String) throws(Invalid) -> AttributeMappingSource {
        guard text.count <= 4_096 else { throw Invalid(message: "The expression is longer than 4,096 characters.") }
        var parser = Parser(characters: Array(text))
        let source = try parser.expression(depth: 0)
        parser.skipSpaces()
        guard parser.atEnd else { throw Invalid(message: "Unexpected '\(parser.rest.prefix(20))' at position \(parser.index + 1).") }
        return source
    }

    struct Parser {
        let characters: [Character]
        var index = 0

        var atEnd: Bool { self.index >= self.characters.count }
        var rest: String { String(self.characters[min(self.index, self.characters.count)...]) }

        mutating func skipSpaces() {
            while !self.atEnd, self.characters[self.index].isWhitespace { self.index += 1 }
        }

        /// A value, or two values compared with `=`.
        mutating func expression(depth: Int) throws(Invalid) -> AttributeMappingSource {
            let left = try self.value(depth: depth)
            self.skipSpaces()
            guard !self.atEnd, self.characters[self.index] == "=" else { return left }
            self.index += 1
            return .function(MappingFunction.equalsName, [left, try self.value(depth: depth + 1)])
        }

        mutating func value(depth: Int) throws(Invalid) -> AttributeMappingSource {
            guard depth < 32 else { throw Invalid(message: "The expression nests deeper than 32 functions.") }
            self.skipSpaces()
            guard !self.atEnd else { throw Invalid(message: "The expression ends where a value was expected.") }
            switch self.characters[self.index] {
            case "[":
                self.index += 1
                let start = self.index
                while !self.atEnd, self.characters[self.index] != "]" { self.index += 1 }
                guard !self.atEnd else { throw Invalid(message: "An attribute name opened with '[' is not closed with ']'.") }
                let name = String(self.characters[start..<self.index]).trimmingCharacters(in: .whitespaces)
                self.index += 1
                guard !name.isEmpty else { throw Invalid(message: "An attribute name between '[' and ']' is empty.") }
                return .attribute(name)
            case "\"":
                self.index += 1
                var value = ""
                while !self.atEnd, self.characters[self.index] != "\"" {
                    if self.characters[self.index] == "\\", self.index + 1 < self.characters.count { self.index += 1 }
                    value.append(self.characters[self.index])
                    self.index += 1
                }
                guard !self.atEnd else { throw Invalid(message: "A text constant opened with '\"' is not closed.") }
                self.index += 1
                return .constant(value)
            default:
                let start = self.index
                while !self.atEnd, self.characters[self.index].isLetter || self.characters[self.index].isNumber
                    || "._-+".contains(self.characters[self.index])
                {
                    self.index += 1
                }
                let token = String(self.characters[start..<self.index])
                guard !token.isEmpty else {
                    throw Invalid(message: "Unexpected '\(self.characters[self.index])' at position \(self.index + 1).")
                }
                self.skipSpaces()
                guard !self.atEnd, self.characters[self.index] == "(" else { return .constant(token) }
                self.index += 1
                return .function(token, try self.arguments(depth: depth))
            }
        }

        /// The arguments after `(`, through the closing `)`; an empty argument is an empty constant.
        mutating func arguments(depth: Int) throws(Invalid) -> [AttributeMappingSource] {
            var arguments: [AttributeMappingSource] = []
            self.skipSpaces()
            if !self.atEnd, self.characters[self.index] == ")" {
                self.index += 1
                return []
            }
            while true {
                self.skipSpaces()
                if !self.atEnd, [",", ")"].contains(self.characters[self.index]) {
                    arguments.append(.constant(""))
                } else {
                    arguments.append(try self.expression(depth: depth + 1))
                }
                self.skipSpaces()
                guard !self.atEnd else { throw Invalid(message: "A function's '(' is not closed with ')'.") }
                let next = self.characters[self.index]
                self.index += 1
                if next == ")" { return arguments }
                guard next == "," else {
                    let hint = "<>".contains(next) ? "; a comparison is written with '=' only" : ""
                    throw Invalid(message: "Expected ',' or ')' at position \(self.index), not '\(next)'\(hint).")
                }
            }
        }
    }
}
