import CMXAuditCurl
import MXAuditModel

extension Failure.Kind {
    /// The evidence's failure kind for a libcurl error.
    init(curl error: CurlError) {
        switch CURLcode(rawValue: error.code) {
        case CURLE_OPERATION_TIMEDOUT:
            self = .timeout
        case CURLE_COULDNT_CONNECT, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING:
            self = .network
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_ISSUER_ERROR:
            self = .tls
        case CURLE_FILESIZE_EXCEEDED, CURLE_WRITE_ERROR:
            self = .limit
        case CURLE_WEIRD_SERVER_REPLY, CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_PARTIAL_FILE, CURLE_BAD_CONTENT_ENCODING:
            self = .protocolViolation
        case CURLE_ABORTED_BY_CALLBACK:
            self = .cancelled
        default:
            self = .local
        }
    }
}
