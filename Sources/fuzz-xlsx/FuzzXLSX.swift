import VigieFuzz

#if FUZZING
/// libFuzzer's entry point (built by `make fuzz`): one input through the XLSX reader.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzXLSX(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 { FuzzEntry.run(.xlsx, data, size) }
#else
/// Without libFuzzer: replays the files or folders given through the XLSX reader.
@main enum FuzzXLSX { static func main() throws { try FuzzEntry.replay(.xlsx) } }
#endif
