import CMXAuditCurl
import Foundation
import MXAuditExecutor
import MXAuditTLS

/// One owned curl easy handle with typed option setters. Not shared between threads: each
/// transfer makes its own on the blocking executor.
public final class CurlEasy {
    let handle: UnsafeMutableRawPointer
    private var lists: [UnsafeMutablePointer<curl_slist>] = []
    /// Callback contexts curl may use until the handle is cleaned up (the socket guard).
    private var contexts: [AnyObject] = []
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

    func check(_ code: CURLcode) throws(CurlError) {
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
    ///
    /// `beforeRequest` runs once the connection and its TLS handshake are up, right before the
    /// request is sent (`tlsVersion` is readable there); returning false stops the transfer
    /// without sending anything (curl then reports CURLE_ABORTED_BY_CALLBACK).
    public func perform(beforeRequest: (() -> Bool)? = nil, onData: @escaping ([UInt8]) -> Bool) throws(CurlError) {
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
        let gate = beforeRequest.map { Unmanaged.passRetained(RequestGate($0)) }
        defer { gate?.release() }
        try check(mxa_curl_setopt_pointer(handle, CURLOPT_PREREQDATA, gate?.toOpaque()))
        try check(mxa_curl_setopt_prereq_function(handle, gate == nil ? nil : { raw, _, _, _, _ in
            guard let raw else { return Int32(CURL_PREREQFUNC_OK) }
            let gate = Unmanaged<RequestGate>.fromOpaque(raw).takeUnretainedValue()
            return Int32(gate.allow() ? CURL_PREREQFUNC_OK : CURL_PREREQFUNC_ABORT)
        }))
        errorBuffer[0] = 0
        try check(curl_easy_perform(handle))
    }

    /// Lets cancelling `token` shut down the transfer's sockets, so a blocked perform returns.
    public func shutDownSockets(on token: CancellationToken) throws(CurlError) {
        let guardian = CurlSocketGuard()
        contexts.append(guardian) // curl closes sockets through it until the handle is cleaned up
        let context = Unmanaged.passUnretained(guardian).toOpaque()
        try check(mxa_curl_setopt_pointer(handle, CURLOPT_OPENSOCKETDATA, context))
        try check(mxa_curl_setopt_opensocket_function(handle) { raw, _, address in
            guard let raw, let address else { return CURL_SOCKET_BAD }
            return Unmanaged<CurlSocketGuard>.fromOpaque(raw).takeUnretainedValue().open(address.pointee)
        })
        try check(mxa_curl_setopt_pointer(handle, CURLOPT_CLOSESOCKETDATA, context))
        try check(mxa_curl_setopt_closesocket_function(handle) { raw, socket in
            guard let raw else { return close(socket) }
            return Unmanaged<CurlSocketGuard>.fromOpaque(raw).takeUnretainedValue().close(socket)
        })
        token.onCancel { guardian.cancel() }
    }

    /// The TLS version of the connection in use ("TLSv1.3"); only during a transfer, e.g. in `beforeRequest`.
    public var tlsVersion: String? { mxa_curl_tls_version(handle).map { String(cString: $0) } }

    /// The server's certificate on the connection in use, read from the TLS session; only during
    /// a transfer (e.g. in `beforeRequest`), and only with curl's OpenSSL backend.
    public var peerCertificate: X509Certificate? {
        var session: UnsafeMutablePointer<curl_tlssessioninfo>?
        guard mxa_curl_getinfo_tls_session(handle, &session) == CURLE_OK, let session,
              session.pointee.backend == CURLSSLBACKEND_OPENSSL, let connection = session.pointee.internals else { return nil }
        return X509Certificate.peerCertificate(ofSSL: connection)
    }

    /// Verifies servers against `trust`'s store instead of curl loading a CA bundle for every
    /// connection (with a system bundle of ~140 roots, that parse was most of a policy fetch).
    public func verify(against trust: WebPKIVerifier) throws(CurlError) {
        contexts.append(trust) // curl calls back with it until the handle is cleaned up
        try check(mxa_curl_setopt_pointer(handle, CURLOPT_CAINFO, nil))
        try check(mxa_curl_setopt_pointer(handle, CURLOPT_CAPATH, nil))
        try check(mxa_curl_setopt_pointer(handle, CURLOPT_SSL_CTX_DATA, Unmanaged.passUnretained(trust).toOpaque()))
        try check(mxa_curl_setopt_ssl_ctx_function(handle) { _, context, raw in
            guard let context, let raw else { return CURLE_SSL_CERTPROBLEM }
            Unmanaged<WebPKIVerifier>.fromOpaque(raw).takeUnretainedValue().install(intoSSLContext: context)
            return CURLE_OK
        })
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

private final class RequestGate {
    let allow: () -> Bool
    init(_ allow: @escaping () -> Bool) { self.allow = allow }
}

private final class DataSink {
    let onData: ([UInt8]) -> Bool
    init(_ onData: @escaping ([UInt8]) -> Bool) { self.onData = onData }
    func deliver(_ bytes: [UInt8]) -> Bool { onData(bytes) }
}
