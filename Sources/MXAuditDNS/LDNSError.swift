import CMXAuditLDNS

/// A libldns failure: the library's status code and its message, plus what mxaudit was doing.
public struct LDNSError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: UInt32
    public var message: String
    public var operation: String

    init(_ status: ldns_status, _ operation: String) {
        code = status.rawValue
        message = String(cString: mxa_ldns_status_message(status))
        self.operation = operation
    }

    public var description: String { "\(operation): \(message) (ldns status \(code))" }
}

/// Turns an ldns status into a thrown `LDNSError` unless it is OK.
func check(_ status: ldns_status, _ operation: @autoclosure () -> String) throws(LDNSError) {
    if mxa_ldns_ok(status) != 0 { return }
    throw LDNSError(status, operation())
}
