import CMXAuditCurl
import Foundation

/// Opens and closes a curl handle's sockets (CURLOPT_OPENSOCKETFUNCTION/CLOSESOCKETFUNCTION) so
/// that cancellation can shut them down: a blocked `curl_easy_perform` then returns at once.
/// Closing happens under the same lock as the shutdown, so a descriptor number that the system
/// has already handed to someone else is never touched.
final class CurlSocketGuard: @unchecked Sendable {
    private let lock = NSLock()
    // Guarded by `lock`.
    private var sockets: Set<Int32> = []
    private var cancelled = false

    func open(_ address: curl_sockaddr) -> curl_socket_t {
        lock.lock()
        defer { lock.unlock() }
        guard !cancelled else { return CURL_SOCKET_BAD }
        // Close-on-exec, so that a child process started meanwhile never inherits the connection.
        let descriptor = socket(address.family, address.socktype | Int32(SOCK_CLOEXEC.rawValue), address.protocol)
        if descriptor >= 0 { sockets.insert(descriptor) }
        return descriptor
    }

    func close(_ descriptor: curl_socket_t) -> Int32 {
        lock.lock()
        defer { lock.unlock() }
        sockets.remove(descriptor)
        return Foundation.close(descriptor)
    }

    func cancel() {
        lock.lock()
        defer { lock.unlock() }
        cancelled = true
        for descriptor in sockets { shutdown(descriptor, Int32(SHUT_RDWR)) }
    }
}
