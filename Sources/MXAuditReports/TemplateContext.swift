/// Turns a page's view model into dictionaries before it is rendered. The template engine finds
/// a struct's fields by reflection, building a `Mirror` of every context level for every tag it
/// looks up; for a large fleet that was most of the time spent writing reports. Reflecting each
/// value once and handing the engine dictionaries (which it reads by key) renders the same text.
enum TemplateContext {
    static func make(_ value: Any) -> Any {
        let mirror = Mirror(reflecting: value)
        let isRecord = mirror.displayStyle == .struct || mirror.displayStyle == .class
        switch mirror.displayStyle {
        case _ where isRecord && isViewModel(value):
            var fields: [String: Any] = [:]
            for child in mirror.children {
                guard let label = child.label, let field = unwrapped(child.value) else { continue }
                // A nil field is left out, so a lookup falls through to the enclosing context as
                // it does for a struct whose optional field is nil.
                fields[label] = make(field)
            }
            return fields
        case .collection? where value is [Any]:
            return (value as! [Any]).map(make)
        default:
            return value
        }
    }

    /// Only mxaudit's own view models: Foundation and standard types render as themselves.
    private static func isViewModel(_ value: Any) -> Bool {
        String(reflecting: type(of: value)).hasPrefix("MXAudit")
    }

    private static func unwrapped(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return value }
        return mirror.children.first?.value
    }
}
