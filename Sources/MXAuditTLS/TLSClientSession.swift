import CMXAuditOpenSSL
import Foundation
import MXAuditExecutor
import MXAuditModel

/// One TLS client connection over an already connected (non-blocking) socket, after STARTTLS.
/// It owns its SSL object, not the socket. Its methods block the calling thread (in poll, bounded
/// by a deadline): call them only inside `BlockingExecutor.run`.
final class TLSClientSession {
    private let ssl: OpaquePointer
    private let descriptor: Int32

    init(context: TLSClientContext, descriptor: Int32, serverName: String, profile: TLSHandshakeProfile) throws(Failure) {
        self.ssl = try context.connection(offering: profile, to: serverName)
        self.descriptor = descriptor
        guard SSL_set_fd(ssl, descriptor) == 1 else {
            throw Failure(.local, OpenSSLError("attach the TLS connection for \(serverName) to its socket").description)
        }
    }

    deinit { SSL_free(ssl) }

    /// Runs the handshake to completion before `deadline`. A refusal by the server (alert, hang-up)
    /// is `.tls`; silence is `.timeout`; cancellation shuts the socket down and is `.cancelled`.
    func handshake(until deadline: Deadline, token: CancellationToken) throws(Failure) -> NegotiatedTLS {
        let descriptor = self.descriptor
        token.onCancel { shutdown(descriptor, Int32(SHUT_RDWR)) }
        defer { token.clearHandlers() }
        ERR_clear_error()
        while true {
            let result = SSL_connect(ssl)
            if result == 1 { return negotiated() }
            let error = SSL_get_error(ssl, result)
            let savedErrno = errno
            if token.isCancelled { throw Failure(.cancelled, "the probe was cancelled during the TLS handshake") }
            switch error {
            case SSL_ERROR_WANT_READ: try wait(POLLIN, until: deadline)
            case SSL_ERROR_WANT_WRITE: try wait(POLLOUT, until: deadline)
            case SSL_ERROR_SYSCALL:
                let detail = OpenSSLError("TLS handshake")
                if detail.code != 0 { throw Failure(.tls, detail.description) }
                throw Failure(.tls, savedErrno == 0
                              ? "the server closed the connection during the TLS handshake"
                              : "the TLS handshake failed: \(String(cString: strerror(savedErrno)))")
            case SSL_ERROR_ZERO_RETURN:
                throw Failure(.tls, "the server closed the connection during the TLS handshake")
            default:
                throw Failure(.tls, OpenSSLError("TLS handshake").description)
            }
        }
    }

    /// Says QUIT inside the TLS session and closes it; best effort, bounded by `deadline`.
    func quit(until deadline: Deadline) {
        let command = Array("QUIT\r\n".utf8)
        var written = 0
        while written < command.count && !deadline.hasPassed {
            let result = command[written...].withUnsafeBytes { SSL_write(ssl, $0.baseAddress, Int32($0.count)) }
            if result > 0 { written += Int(result); continue }
            guard waitForRetry(result, until: deadline) else { return }
        }
        // Read the 221 (or whatever comes) so the server sees an orderly goodbye; its content is not evidence.
        var buffer = [UInt8](repeating: 0, count: 512)
        while !deadline.hasPassed {
            let result = SSL_read(ssl, &buffer, Int32(buffer.count))
            if result > 0 {
                if buffer[0..<Int(result)].contains(UInt8(ascii: "\n")) { break }
                continue
            }
            guard waitForRetry(result, until: deadline) else { break }
        }
        _ = SSL_shutdown(ssl)
        ERR_clear_error()
    }

    private func waitForRetry(_ result: Int32, until deadline: Deadline) -> Bool {
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ: return (try? wait(POLLIN, until: deadline)) != nil
        case SSL_ERROR_WANT_WRITE: return (try? wait(POLLOUT, until: deadline)) != nil
        default:
            ERR_clear_error()
            return false
        }
    }

    private func wait(_ events: Int32, until deadline: Deadline) throws(Failure) {
        while true {
            let remaining = deadline.remainingMilliseconds
            guard remaining > 0 else { throw Failure(.timeout, "the TLS handshake did not finish before the timeout") }
            var descriptors = [pollfd(fd: descriptor, events: Int16(events), revents: 0)]
            let count = poll(&descriptors, 1, remaining)
            if count > 0 { return }
            if count < 0 && errno != EINTR {
                throw Failure(.local, "poll failed during the TLS handshake: \(String(cString: strerror(errno)))")
            }
        }
    }

    private func negotiated() -> NegotiatedTLS {
        let version = TLSVersion(rawValue: SSL_version(ssl)) ?? .tls1_0
        let suite = SSL_get_current_cipher(ssl).map { CipherSuite($0) }
            ?? CipherSuite(name: "unknown", keyExchange: "unknown", authenticated: false, bulkCipher: "UNKNOWN", isAEAD: false)
        var chain: [X509Certificate] = []
        if let stack = SSL_get_peer_cert_chain(ssl) {
            for index in 0..<mxa_sk_X509_num(stack) {
                if let certificate = mxa_sk_X509_value(stack, index) { chain.append(X509Certificate(retaining: certificate)) }
            }
        }
        return NegotiatedTLS(version: version, suite: suite, group: group(), chain: chain)
    }

    private func group() -> String? {
        let nid = mxa_SSL_get_negotiated_group(ssl)
        if nid != NID_undef, nid != 0, let name = SSL_group_to_name(ssl, nid) { return String(cString: name) }
        // Classic DHE in TLS ≤ 1.2 has no named group: report the prime's size.
        var key: OpaquePointer?
        guard mxa_SSL_get_peer_tmp_key(ssl, &key) == 1, let key else { return nil }
        defer { EVP_PKEY_free(key) }
        let bits = Int(EVP_PKEY_get_bits(key))
        return EVP_PKEY_get_base_id(key) == EVP_PKEY_DH ? "DH-\(bits)" : nil
    }
}
