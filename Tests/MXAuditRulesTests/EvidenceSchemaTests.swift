import Foundation
import MXAuditModel
import Testing
@testable import MXAuditRules

/// The schema the type checker uses must describe the evidence JSON exactly: every declared path
/// exists in a fully populated document, and every path of the document is declared.
@Suite("evidence schema")
struct EvidenceSchemaTests {
    @Test func schemaAndEncodedEvidenceHaveTheSamePaths() throws {
        let data = try DomainEvidence.makeEncoder().encode(SampleEvidence.fullyPopulated())
        let json = try Value.document(data)
        var problems: [String] = []
        compare(json, .object(EvidenceSchema.domainEvidence), path: "", problems: &problems)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test func theDriftCheckNoticesAnUndeclaredField() throws {
        var problems: [String] = []
        compare(.object(["schemaVersion": .int(1), "surprise": .bool(true)]), .object(ObjectType("Tiny", [("schemaVersion", .int)])), path: "", problems: &problems)
        #expect(problems == ["surprise: in the JSON but not in the schema"])
    }

    /// Hand-written value lists of the schema must be values the model's enums decode.
    @Test func enumerationValuesAreTheModelsValues() throws {
        func values(_ type: ValueType) -> [String] {
            if case .enumeration(_, let values) = type { return values }
            return []
        }
        for value in values(EvidenceSchema.dnssecMethod) { #expect(DNSSECVerdict.Method(rawValue: value) != nil, "\(value)") }
        for value in values(EvidenceSchema.addressFamily) { #expect(AddressFamily(rawValue: value) != nil, "\(value)") }
        for value in values(EvidenceSchema.daneStatus) { #expect(DANEVerdict.Status(rawValue: value) != nil, "\(value)") }
        for value in values(EvidenceSchema.stsMode) { #expect(MTASTSPolicy.Mode(rawValue: value) != nil, "\(value)") }
        #expect(values(EvidenceSchema.daneStatus).count == 5)
        #expect(values(EvidenceSchema.stsMode).count == 3)
    }

    private func compare(_ json: Value, _ type: ValueType, path: String, problems: inout [String]) {
        func child(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }
        switch (type, json) {
        case (.optional(let inner), _):
            compare(json, inner, path: path, problems: &problems)
        case (.observation(let inner), .object(let object)) where object["status"] == .string("present") && object["value"] != nil:
            compare(object["value"]!, inner, path: path, problems: &problems)
        case (.object(let schema), .object(let object)):
            for field in schema.fields {
                guard let value = object[field.name] else {
                    problems.append("\(child(field.name)): in the schema but not in the JSON")
                    continue
                }
                compare(value, field.type, path: child(field.name), problems: &problems)
            }
            for key in object.keys.sorted() where schema[key] == nil {
                problems.append("\(child(key)): in the JSON but not in the schema")
            }
        case (.list(let element), .list(let items)) where !items.isEmpty:
            for item in items { compare(item, element, path: "\(path)[]", problems: &problems) }
        case (.map(let element), .object(let object)) where !object.isEmpty:
            for (key, value) in object { compare(value, element, path: "\(path)[\(key)]", problems: &problems) }
        case (.bool, .bool), (.int, .int), (.string, .string):
            return
        case (.date, .string(let text)) where (try? Date.ISO8601FormatStyle().parse(text)) != nil:
            return
        case (.enumeration(_, let values), .string(let text)) where values.contains(text):
            return
        default:
            problems.append("\(path): the JSON \(json) is not a (non-empty) \(type)")
        }
    }
}
