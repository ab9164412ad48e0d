import Foundation
import MXAuditModel
@testable import MXAuditReports
import Testing

/// The shipped templates render the sample fleet into complete, self-contained pages. Set
/// `MXAUDIT_SAMPLE_REPORTS` to a directory to keep the pages (docs/screenshots are taken from them).
@Suite struct SampleReportTests {
    let input = SampleFleet.input()

    @Test func writesOnePagePerClientAndTheOverview() throws {
        let kept = ProcessInfo.processInfo.environment["MXAUDIT_SAMPLE_REPORTS"].map { URL(fileURLWithPath: $0) }
        let directory = try kept ?? ReportTestSupport.scratchDirectory("sample")
        defer { if kept == nil { try? FileManager.default.removeItem(at: directory) } }
        let written = try HTMLReportWriter.write(input, templates: ReportTestSupport.templates, to: directory)
        #expect(written.map(\.lastPathComponent) == ["acme-gmbh.html", "bakkerij-de-vries.html", "city-of-example.html",
                                                    "dental-care.html", "evergreen.html", "index.html"])
        for file in written {
            let html = try String(contentsOf: file, encoding: .utf8)
            #expect(html.hasPrefix("<!DOCTYPE html>"))
            #expect(html.hasSuffix("</html>\n"))
            // Self-contained: nothing is fetched, nothing runs.
            #expect(!html.contains("<script"))
            #expect(!html.contains("src="))
            #expect(!html.contains("@import"))
            #expect(!html.contains("url("))
            #expect(html.contains("default-src 'none'"))
        }
    }

    @Test func clientPageShowsVerdictFindingsEvidenceAdviceWaiversAndChanges() throws {
        let html = try HTMLReportWriter.clientPage(input, client: "acme-gmbh", templates: ReportTestSupport.templates)
        #expect(html.contains(#"<div class="banner v-non_compliant">"#))
        #expect(html.contains(#"<div class="verdict">Non-compliant</div>"#))
        // BSI-DNSSEC-ZONE fails on shop.acme.example: must 1; BSI-MTASTS-ENFORCE and BSI-TLSRPT fail: should 2.
        #expect(html.contains("Failing results: 1 must · 2 should · 0 may"))
        // Every domain has its section, the IDN one under its Unicode name with the A-label beside it.
        for anchor in ["domain-acme-example", "domain-shop-acme-example", "domain-xn--mller-kva-example"] {
            #expect(html.contains(#"<section class="domain" id="\#(anchor)">"#))
        }
        #expect(html.contains("müller.example"))
        #expect(html.contains(#"<span class="mono">(xn--mller-kva.example)</span>"#))
        // The deployment scenario from the seed, the remediation and the explained (waived) result.
        #expect(html.contains("Deployment scenario: Zone unsigned: MTA-STS only."))
        #expect(html.contains("change `mode: testing` to `mode: enforce`"))
        #expect(html.contains(#"<div class="finding o-explained">"#))
        #expect(html.contains("Waiver: DNS host cannot publish DS records; migration ticket OPS-123"))
        // Evidence is quoted: the TLSA records, the certificate, the policy body.
        #expect(html.contains("3 1 1 3b9f3b9f"))
        #expect(html.contains("CN=mx1.acme.example, issuer CN=Example Issuing CA 2025"))
        #expect(html.contains("<pre>version: STSv1\nmode: enforce\nmx: mx1.acme.example"))
        // Waivers with expiry state: one expiring in 16 days, one unused.
        #expect(html.contains("2026-05-20 (16 days)"))
        #expect(html.contains(#"<span class="badge w-expiring">expiring</span>"#))
        #expect(html.contains(#"<span class="badge w-unused">unused</span>"#))
        // History: the sparkline and the changes since the last audit.
        #expect(html.contains("<polyline points="))
        #expect(html.contains("61 → 79 over 7 runs"))
        #expect(html.contains(#"<span class="badge k-regressed">regressed</span>"#))
        #expect(html.contains("pass → fail (the _smtp._tls record was removed)"))
    }

    @Test func domainWithoutItsOwnTrendDoesNotBorrowTheClients() throws {
        let html = try HTMLReportWriter.clientPage(input, client: "acme-gmbh", templates: ReportTestSupport.templates)
        // Only shop.acme.example has a domain trend; the client's sparkline appears once in the banner.
        // One sparkline names its summary four times: the tooltip, the SVG's label and title, the caption.
        #expect(html.components(separatedBy: "61 → 79 over 7 runs").count - 1 == 4)
        #expect(html.components(separatedBy: "40 → 63 over 7 runs").count - 1 == 4)
    }

    @Test func fleetOverviewRanksClientsByRiskAndFindsTheSharedProvider() throws {
        let html = try HTMLReportWriter.fleetPage(input, templates: ReportTestSupport.templates)
        let order = ["bakkerij-de-vries.html", "dental-care.html", "acme-gmbh.html", "city-of-example.html", "evergreen.html"]
        let positions = order.map { html.range(of: #"<a href="\#($0)"><b>"#)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil })
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
        // mx1.hostedmail.example fails for three domains of two clients; the provider has two failing hosts.
        #expect(html.contains(#"<td>MX host</td><td class="mono"><b>mx1.hostedmail.example</b></td><td class="num">3</td><td class="num">2</td>"#))
        #expect(html.contains(#"<td>MX provider</td><td class="mono"><b>hostedmail.example</b></td><td class="num">3</td><td class="num">2</td>"#))
        // The matrix: NL-DANE fails on both of the bakery's domains; evergreen's TLS-RPT rule does not apply.
        #expect(html.contains(#"<td class="cell o-fail" title="bakkerij-de-vries: fail, 2 of 2 domains">2/2</td>"#))
        #expect(html.contains(#"<td class="cell o-not_applicable" title="evergreen: n/a">–</td>"#))
        #expect(html.contains(#"<td class="cell o-none" title="evergreen: not judged by this rule"></td>"#))
        // Regressions of every client, and the unused waiver.
        #expect(html.contains("dentalcare.example STS-WEBPKI on mx1.hostedmail.example: pass → fail (certificate expired)"))
        #expect(html.contains("reporting mailbox being set up"))
    }
}
