/// A small XML element tree for the JUnit writer, serialised as text. FoundationXML's node tree
/// (libxml2 underneath) leaked every attribute and text node it was given (found by a leak-check
/// run of the suite), which for a large fleet's JUnit file is as much memory as the file itself.
/// Values have already passed `ReportText` (no control characters); here only markup is escaped.
final class XMLOutputElement {
    let name: String
    private var attributes: [(name: String, value: String)] = []
    private var children: [XMLOutputElement] = []
    private let text: String?

    init(name: String, text: String? = nil) {
        self.name = name
        self.text = text
    }

    func addAttribute(_ name: String, _ value: String) { attributes.append((name, value)) }
    func addChild(_ child: XMLOutputElement) { children.append(child) }

    /// The element with two spaces of indentation per level, ending in a line break.
    func serialised(indent: Int = 0) -> String {
        var output = ""
        write(to: &output, indent: indent)
        return output
    }

    private func write(to output: inout String, indent: Int) {
        let pad = String(repeating: "  ", count: indent)
        output += pad + "<" + name
        for attribute in attributes {
            output += " " + attribute.name + "=\"" + Self.escape(attribute.value, inAttribute: true) + "\""
        }
        if let text, !text.isEmpty {
            output += ">" + Self.escape(text, inAttribute: false) + "</" + name + ">\n"
        } else if children.isEmpty {
            output += "/>\n"
        } else {
            output += ">\n"
            for child in children { child.write(to: &output, indent: indent + 1) }
            output += pad + "</" + name + ">\n"
        }
    }

    /// Markup characters become entities; in attributes, line breaks and tabs become character
    /// references so that a parser's attribute normalisation keeps them.
    static func escape(_ value: String, inAttribute: Bool) -> String {
        var escaped = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": escaped.append(contentsOf: "&amp;".unicodeScalars)
            case "<": escaped.append(contentsOf: "&lt;".unicodeScalars)
            case ">": escaped.append(contentsOf: "&gt;".unicodeScalars)
            case "\"" where inAttribute: escaped.append(contentsOf: "&quot;".unicodeScalars)
            case "\n" where inAttribute: escaped.append(contentsOf: "&#10;".unicodeScalars)
            case "\r": escaped.append(contentsOf: "&#13;".unicodeScalars)
            case "\t" where inAttribute: escaped.append(contentsOf: "&#9;".unicodeScalars)
            default: escaped.append(scalar)
            }
        }
        return String(escaped)
    }
}
