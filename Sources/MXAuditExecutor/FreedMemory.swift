#if canImport(Glibc)
import Glibc
#endif

/// glibc keeps memory that was freed by one of many threads in that thread's arena; over a long
/// audit of thousands of domains the resident size keeps growing although the live data does not.
/// Returning the free pages now and then keeps a large fleet's footprint flat.
public enum FreedMemory {
    public static func returnToSystem() {
        #if canImport(Glibc)
        mallocTrim?(0)
        #endif
    }

    #if canImport(Glibc)
    // malloc.h is not part of the Glibc module; glibc's own symbol is looked up once instead.
    private typealias MallocTrim = @convention(c) (Int) -> Int32
    // glibc's RTLD_DEFAULT is the null handle: search the symbols the process already has.
    private static let mallocTrim: MallocTrim? = dlsym(nil, "malloc_trim").map { unsafeBitCast($0, to: MallocTrim.self) }
    #endif
}
