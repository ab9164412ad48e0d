#if canImport(Glibc)
import Glibc
#endif

/// Gives freed memory back to the system now and then, so a large fleet's footprint stays flat,
/// whichever malloc the process has:
/// - jemalloc, which the `mxaudit` tool links (Package.swift): every arena's unused dirty pages
///   are purged at once instead of over jemalloc's decay time;
/// - glibc's, in the libraries' tests: memory freed by one of many threads stays in that thread's
///   arena, so over a long audit the resident size grows although the live data does not;
///   `malloc_trim` returns it.
public enum FreedMemory {
    public static func returnToSystem() {
        #if canImport(Glibc)
        if let mallctl {
            // "arena.<MALLCTL_ARENAS_ALL>.purge": 4096 addresses every arena.
            _ = mallctl("arena.4096.purge", nil, nil, nil, 0)
        } else {
            _ = mallocTrim?(0)
        }
        #endif
    }

    /// The process's malloc, for `--stats` and the benchmark: "jemalloc 5.3.0-…" or "glibc".
    public static var allocator: String {
        #if canImport(Glibc)
        guard let mallctl else { return "glibc" }
        var version: UnsafePointer<CChar>?
        var length = MemoryLayout<UnsafePointer<CChar>?>.size
        guard mallctl("version", &version, &length, nil, 0) == 0, let version else { return "jemalloc" }
        return "jemalloc " + String(cString: version)
        #else
        return "system"
        #endif
    }

    /// The bytes of dirty pages jemalloc keeps for reuse (freed, not yet returned); nil under glibc.
    static var jemallocDirtyBytes: Int? {
        #if canImport(Glibc)
        guard let mallctl else { return nil }
        var epoch: UInt64 = 1
        // Statistics are a snapshot taken when "epoch" is written.
        guard mallctl("epoch", nil, nil, &epoch, MemoryLayout<UInt64>.size) == 0 else { return nil }
        var pages = 0
        var pageSize = 0
        var length = MemoryLayout<Int>.size
        guard mallctl("stats.arenas.4096.pdirty", &pages, &length, nil, 0) == 0,
              mallctl("arenas.page", &pageSize, &length, nil, 0) == 0 else { return nil }
        return pages * pageSize
        #else
        return nil
        #endif
    }

    #if canImport(Glibc)
    // Neither malloc.h nor jemalloc's header is part of the Glibc module; the symbols the process
    // already has are looked up once instead (glibc's RTLD_DEFAULT is the null handle).
    private typealias MallocTrim = @convention(c) (Int) -> Int32
    private typealias Mallctl = @convention(c) (UnsafePointer<CChar>, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int>?,
                                                UnsafeMutableRawPointer?, Int) -> Int32
    private static let mallocTrim: MallocTrim? = dlsym(nil, "malloc_trim").map { unsafeBitCast($0, to: MallocTrim.self) }
    private static let mallctl: Mallctl? = dlsym(nil, "mallctl").map { unsafeBitCast($0, to: Mallctl.self) }
    #endif
}
