import CMXAuditCurl
import Foundation

/// One owned curl easy handle with typed option setters. Not shared between threads: each
/// transfer makes its own on the blocking executor.
public final class CurlEasy {
    let handle: UnsafeMutableRawPointer
    private var lists: [UnsafeMutablePointer<curl_slist>] = []
    /// curl writes its detailed message here (CURLOPT_ERRORBUFFER); it must outlive the transfer.
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    public init() throws(CurlError) {
        _ = Self.globalInit
        guard let handle = curl_easy_init() else { throw CurlError(CURLE_FAILED_INIT) }
        self.handle = handle
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        try check(mxa_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))
        try set(CURLOPT_NOSIGNAL, 1) // timeouts must not use signals in a threaded program
    }

    deinit {
        curl_easy_cleanup(handle)
        for list in lists { curl_slist_free_all(list) }
        errorBuffer.deallocate()
    }

    private func check(_ code: CURLcode) throws(CurlError) {
        guard code != CURLE_OK else { return }
        throw CurlError(code, detail: String(cString: errorBuffer))
    }

    public func set(_ option: CURLoption, _ value: Int) throws(CurlError) {
        try check(mxa_curl_setopt_long(handle, option, value))
    }

    public func set(_ option: CURLoption, _ value: String) throws(CurlError) {
        // curl copies string options (since 7.17), so the temporary C string may go.
        try check(mxa_curl_setopt_string(handle, option, value))
    }

    /// Sets a string-list option (CURLOPT_RESOLVE, CURLOPT_HTTPHEADER); the list lives as long as the handle.
    public func set(_ option: CURLoption, list: [String]) throws(CurlError) {
        var head: UnsafeMutablePointer<curl_slist>?
        for item in list {
            guard let next = curl_slist_append(head, item) else {
                if let head { curl_slist_free_all(head) }
                throw CurlError(CURLE_OUT_OF_MEMORY)
            }
            head = next
        }
        if let head { lists.append(head) }
        try check(mxa_curl_setopt_slist(handle, option, head))
    }

    /// Runs the transfer, delivering body bytes to `onData`; returning false from it aborts
    /// the transfer (curl then reports CURLE_WRITE_ERROR).
    public func perform(onData: @escaping ([UInt8]) -> Bool) throws(CurlError) {
        let sink = DataSink(onData)
        let context = Unmanaged.passRetained(sink)
        defer { context.release() }
        try check(mxa_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context.toOpaque()))
        try check(mxa_curl_setopt_write_function(handle, CURLOPT_WRITEFUNCTION) { data, size, count, raw in
            guard let raw, let data else { return 0 }
            let sink = Unmanaged<DataSink>.fromOpaque(raw).takeUnretainedValue()
            let length = size * count
            let bytes = Array(UnsafeRawBufferPointer(start: data, count: length))
            return sink.deliver(bytes) ? length : 0
        })
        errorBuffer[0] = 0
        try check(curl_easy_perform(handle))
    }

    public func info(long info: CURLINFO) -> Int? {
        var value = 0
        return mxa_curl_getinfo_long(handle, info, &value) == CURLE_OK ? value : nil
    }

    public func info(string info: CURLINFO) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard mxa_curl_getinfo_string(handle, info, &value) == CURLE_OK, let value else { return nil }
        return String(cString: value)
    }

    /// The libcurl version and the TLS library it was built with.
    public static var version: String {
        _ = globalInit
        return String(cString: curl_version())
    }
}

private final class DataSink {
    let onData: ([UInt8]) -> Bool
    init(_ onData: @escaping ([UInt8]) -> Bool) { self.onData = onData }
    func deliver(_ bytes: [UInt8]) -> Bool { onData(bytes) }
}
