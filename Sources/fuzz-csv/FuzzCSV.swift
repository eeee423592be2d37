import VigieFuzz

#if FUZZING
/// libFuzzer's entry point (built by `make fuzz`): one input through the CSV reader.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 { FuzzEntry.run(.csv, data, size) }
#else
/// Without libFuzzer: replays the files or folders given through the CSV reader.
@main enum FuzzCSV { static func main() throws { try FuzzEntry.replay(.csv) } }
#endif
