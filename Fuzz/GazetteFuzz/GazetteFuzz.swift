// gazette-fuzz TARGET [libFuzzer options] [CORPUS…]: one libFuzzer program for every parser that reads what
// strangers send. Built only by scripts/fuzz (GAZETTE_FUZZ=1, `--sanitize fuzzer`, its own .build-fuzz).
// libFuzzer brings main(); it calls LLVMFuzzerInitialize with argv first, where the target name is taken out.
#if canImport(Glibc)
import Glibc
#endif

enum GazetteFuzz {
    /// Set once, by LLVMFuzzerInitialize, before libFuzzer starts any input.
    nonisolated(unsafe) static var target = FuzzTarget.csv
}

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<Int32>,
                             _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>) -> Int32 {
    let first = argc.pointee > 1 ? argv.pointee[1].map { String(cString: $0) } : nil
    if let first, let target = FuzzTarget(rawValue: first) {
        GazetteFuzz.target = target
        // libFuzzer reads its options from what is left: argv[0], then everything after the target name.
        for index in 1..<Int(argc.pointee) { argv.pointee[index] = argv.pointee[index + 1] }
        argc.pointee -= 1
        // With -jobs/-workers libFuzzer starts children with its own options only: they find the target here.
        setenv("GAZETTE_FUZZ_TARGET", first, 1)
        return 0
    }
    guard let inherited = getenv("GAZETTE_FUZZ_TARGET").map({ String(cString: $0) }), let target = FuzzTarget(rawValue: inherited) else {
        print("usage: gazette-fuzz TARGET [libFuzzer options] [CORPUS…]; targets: "
              + FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))
        exit(2)
    }
    GazetteFuzz.target = target
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    GazetteFuzz.target.run(bytes)
    return 0
}
