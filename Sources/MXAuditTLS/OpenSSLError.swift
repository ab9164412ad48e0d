import CMXAuditOpenSSL

/// An OpenSSL failure: the oldest code on the thread's error queue and its text, plus what
/// mxaudit was doing. Taking it empties the queue so that later calls start clean.
public struct OpenSSLError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: UInt
    public var message: String
    public var operation: String

    public init(_ operation: String) {
        var buffer = [CChar](repeating: 0, count: 256)
        code = buffer.withUnsafeMutableBufferPointer { UInt(mxa_ERR_take($0.baseAddress, $0.count)) }
        message = code == 0 ? "no detail from OpenSSL" : String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        self.operation = operation
    }

    public var description: String { "\(operation): \(message)" + (code == 0 ? "" : " (OpenSSL error \(code))") }
}
