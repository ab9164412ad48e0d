import Foundation
import Testing
@testable import MXAuditModel

/// The hand-written date text must be exactly what the evidence's JSON encoder writes, or stored
/// documents would differ from run to run for no change at all.
@Suite struct ISO8601TextTests {
    static func encoderText(_ date: Date) throws -> String {
        let json = String(decoding: try DomainEvidence.makeEncoder().encode([date]), as: UTF8.self)
        return String(json.dropFirst(2).dropLast(2))
    }

    @Test func equalsTheEncodersTextAcrossTheRange() throws {
        var generator = SystemRandomNumberGenerator()
        var dates = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: -0.5), Date(timeIntervalSince1970: 1_795_935_237.999),
                     Date(timeIntervalSince1970: 951_782_400), // 2000-02-29
                     Date(timeIntervalSince1970: -2_208_988_800), Date(timeIntervalSince1970: -2_208_988_800.5), Date(timeIntervalSince1970: -12_219_292_801), Date(timeIntervalSince1970: 253_402_300_799.9),
                     Date(timeIntervalSince1970: -62_135_596_800), Date(timeIntervalSince1970: 253_402_300_800)]
        for _ in 0..<2_000 {
            dates.append(Date(timeIntervalSince1970: Double.random(in: -40_000_000_000...260_000_000_000, using: &generator)))
        }
        for date in dates {
            #expect(ISO8601Text.string(date) == (try Self.encoderText(date)), "\(date.timeIntervalSince1970)")
            #expect(ISO8601Text.string(date) == date.formatted(.iso8601))
        }
    }
}
