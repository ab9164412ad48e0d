import Foundation
@testable import MXAuditTLS
import Testing

/// A throw-away PKI made with the openssl command line: root → intermediate → leaf for `leafName`.
/// The server chain is leaf + intermediate, as real servers send it.
struct TestPKI {
    let directory: URL
    let root: X509Certificate
    let intermediate: X509Certificate
    let leaf: X509Certificate

    var chain: [X509Certificate] { [leaf, intermediate] }

    static func make(leafName: String) async throws -> TestPKI {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mxaudit-pki-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        try "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
            .write(toFile: path("ca.ext"), atomically: true, encoding: .utf8)
        try "basicConstraints=critical,CA:FALSE\nsubjectAltName=DNS:\(leafName)\nextendedKeyUsage=serverAuth\n"
            .write(toFile: path("leaf.ext"), atomically: true, encoding: .utf8)
        let key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        try await openssl(["req", "-x509"] + key + ["-keyout", path("root.key"), "-out", path("root.pem"), "-subj", "/CN=Test Root",
                     "-days", "30", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        try await openssl(["req"] + key + ["-keyout", path("int.key"), "-out", path("int.csr"), "-subj", "/CN=Test Intermediate"])
        try await openssl(["x509", "-req", "-in", path("int.csr"), "-CA", path("root.pem"), "-CAkey", path("root.key"),
                     "-set_serial", "2", "-days", "30", "-extfile", path("ca.ext"), "-out", path("int.pem")])
        try await openssl(["req"] + key + ["-keyout", path("leaf.key"), "-out", path("leaf.csr"), "-subj", "/CN=\(leafName)"])
        try await openssl(["x509", "-req", "-in", path("leaf.csr"), "-CA", path("int.pem"), "-CAkey", path("int.key"),
                     "-set_serial", "3", "-days", "30", "-extfile", path("leaf.ext"), "-out", path("leaf.pem")])
        func load(_ name: String) throws -> X509Certificate {
            try #require(try X509Certificate.certificates(pem: String(contentsOfFile: path(name), encoding: .utf8)).first)
        }
        return TestPKI(directory: directory, root: try load("root.pem"), intermediate: try load("int.pem"), leaf: try load("leaf.pem"))
    }

    private static func openssl(_ arguments: [String]) async throws {
        let result = try await Testbed.run("/usr/bin/openssl", arguments)
        try #require(result.status == 0, "openssl \(arguments.joined(separator: " ")): \(result.output)")
    }
}

/// TLSA association data for a certificate, computed independently of OpenSSL's DANE code.
func tlsaData(for certificate: X509Certificate, selector: Int, matchingType: Int) -> String {
    let bytes = selector == 0 ? certificate.der : certificate.subjectPublicKeyInfo
    switch matchingType {
    case 1: return X509Certificate.digestHex(bytes)
    case 2: return X509Certificate.digestHex(bytes, sha512: true)
    default: return bytes.map { String(format: "%02x", $0) }.joined()
    }
}
