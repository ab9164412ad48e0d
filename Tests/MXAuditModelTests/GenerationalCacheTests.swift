import Testing
@testable import MXAuditModel

/// The bounded cache behind the DNS and chain-of-trust caches: entries used again stay, entries
/// not used again age out, and it never holds more than two generations.
@Suite struct GenerationalCacheTests {
    @Test func holdsAtMostTwoGenerations() {
        var cache = GenerationalCache<Int, String>(capacity: 100)
        for key in 0..<10_000 { cache[key] = "value \(key)" }
        #expect(cache.count <= 200)
        #expect(cache[9_999] == "value 9999")
        #expect(cache[0] == nil)
    }

    @Test func entriesInUseSurviveWhileOthersAgeOut() {
        var cache = GenerationalCache<String, Int>(capacity: 10)
        cache["provider"] = 1
        for round in 0..<1_000 {
            cache["domain-\(round)"] = round
            #expect(cache["provider"] == 1, "round \(round)")
        }
        #expect(cache["domain-0"] == nil)
        #expect(cache["domain-999"] == 999)
    }

    @Test func settingNilRemovesFromBothGenerations() {
        var cache = GenerationalCache<Int, Int>(capacity: 2)
        cache[1] = 1
        cache[2] = 2
        cache[3] = 3 // 1 and 2 move to the old generation
        cache[1] = nil
        #expect(cache[1] == nil)
        #expect(cache[2] == 2)
    }
}
