@testable import MXAuditExecutor
import Testing

/// The tool links jemalloc (Package.swift), and so do the test binaries built with it.
@Suite("Freed memory")
struct FreedMemoryTests {
    @Test func jemallocIsTheProcessMalloc() {
        #expect(FreedMemory.allocator.hasPrefix("jemalloc 5."), "\(FreedMemory.allocator)")
    }

    @Test func returningFreedMemoryPurgesJemallocsDirtyPages() throws {
        // 64 MiB in blocks above jemalloc's thread cache, written so the pages are really used.
        let blocks = (0..<1024).map { _ in UnsafeMutableRawPointer.allocate(byteCount: 65_536, alignment: 16) }
        for block in blocks { block.initializeMemory(as: UInt8.self, repeating: 1, count: 65_536) }
        for block in blocks { block.deallocate() }
        let before = try #require(FreedMemory.jemallocDirtyBytes)
        #expect(before >= 32 << 20, "freed blocks should be held as dirty pages until decay or a purge (\(before) bytes)")
        FreedMemory.returnToSystem()
        let after = try #require(FreedMemory.jemallocDirtyBytes)
        // Other suites run in parallel and free memory too, but not tens of MiB in that instant.
        #expect(after < before / 4, "\(before) → \(after) bytes")
    }
}
