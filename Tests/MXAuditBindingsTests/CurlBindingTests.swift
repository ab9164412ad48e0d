import CMXAuditCurl
import MXAuditHTTPS
import Testing

@Suite("libcurl binding")
struct CurlBindingTests {
    @Test func builtAgainstOpenSSL() {
        #expect(CurlEasy.version.contains("OpenSSL"))
    }

    @Test func failuresCarryCurlsCodeAndDetail() throws {
        let easy = try CurlEasy()
        try easy.set(CURLOPT_URL, "gopher+nonsense://mta-sts.example/")
        let error = try #require(throws: CurlError.self) { try easy.perform { _ in true } }
        #expect(error.code == CURLE_UNSUPPORTED_PROTOCOL.rawValue)
        #expect(error.message == "Unsupported protocol")
        #expect(error.detail?.contains("gopher+nonsense") == true)
    }

    @Test func refusedConnectionIsANetworkError() throws {
        let easy = try CurlEasy()
        // Port 9 on a testbed-range address nobody listens on: refused at once, never a pass.
        try easy.set(CURLOPT_URL, "https://mta-sts.refused.example:9/.well-known/mta-sts.txt")
        try easy.set(CURLOPT_RESOLVE, list: ["mta-sts.refused.example:9:127.60.255.254"])
        try easy.set(CURLOPT_CONNECTTIMEOUT_MS, 2000)
        let error = try #require(throws: CurlError.self) { try easy.perform { _ in true } }
        #expect(error.code == CURLE_COULDNT_CONNECT.rawValue)
    }
}
