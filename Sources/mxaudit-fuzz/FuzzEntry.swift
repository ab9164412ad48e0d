import Foundation
import MXAuditFuzzTargets

// Built two ways (scripts/fuzz):
// - with -DFUZZING and -sanitize=fuzzer: libFuzzer provides main() and calls this entry point,
//   for the target named by $MXAUDIT_FUZZ_TARGET;
// - normally: a replayer, `mxaudit-fuzz TARGET FILE...`, that runs saved inputs (crash repros).

private let selectedTarget: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["MXAUDIT_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write(Data("mxaudit-fuzz: set MXAUDIT_FUZZ_TARGET to one of: \(names)\n".utf8))
        exit(2)
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    selectedTarget.runBlocking(bytes)
    return 0
}

#if FUZZING
// SwiftPM links an executable's entry point as `<module>_main`; hand it to libFuzzer's driver so
// that libFuzzer's own main() is not needed.
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@_cdecl("mxaudit_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzOneInput(data, size) }
}
#else
@main
struct FuzzReplayer {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
            FileHandle.standardError.write(Data("usage: mxaudit-fuzz TARGET FILE...  (targets: \(names))\n".utf8))
            exit(2)
        }
        for path in arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("mxaudit-fuzz: cannot read \(path)\n".utf8))
                exit(2)
            }
            target.runBlocking([UInt8](data))
        }
        print("mxaudit-fuzz: \(arguments.count - 1) input(s) of \(target.rawValue) ran without a crash")
    }
}
#endif
