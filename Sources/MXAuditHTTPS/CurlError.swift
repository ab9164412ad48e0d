import CMXAuditCurl

/// A libcurl failure: the CURLcode, curl's message for it, and the detail from the error buffer.
public struct CurlError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: UInt32
    public var message: String
    public var detail: String?

    init(_ code: CURLcode, detail: String? = nil) {
        self.code = code.rawValue
        message = String(cString: curl_easy_strerror(code))
        self.detail = detail.flatMap { $0.isEmpty ? nil : $0 }
    }

    public var description: String {
        "\(message)" + (detail.map { ": \($0)" } ?? "") + " (curl error \(code))"
    }
}
