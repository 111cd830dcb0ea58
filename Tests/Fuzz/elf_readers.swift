// libFuzzer target for the readers of untrusted binary files. The first byte picks the reader:
//   0: an ELF file (headers, dynamic section, section headers, dynamic symbols, build ID, DWARF units)
//   1: /etc/ld.so.cache (old, new and combined formats)
//   2: /etc/ld.so.conf; NUL bytes split the rest into ld.so.conf and files in /etc/ld.so.conf.d/,
//      written into a temporary root made once per process, so `include` lines have files to find.
// Only crashes and sanitizer reports are findings: refusing the input with an error is fine.
#if canImport(Glibc)
import Glibc
#endif
@testable import ELFLoader

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzELFReaders(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let rest = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    switch data[0] % 3 {
    case 0: readELF(rest)
    case 1: _ = (try? LdCache(rest))?.lookup("libc.so.6", flags: nil)
    default: readLdConf(rest)
    }
    return 0
}

private func readELF(_ bytes: [UInt8]) {
    let source = MemoryBytes(bytes)
    guard let elf = try? ELFFile(source) else { return }
    _ = elf.gnuStackFlags
    _ = elf.writableExecutableSegments
    _ = Machine(of: elf).name
    _ = elf.buildID(source)
    _ = try? elf.sections(source)
    _ = try? elf.dynamicSymbols(source)
    _ = try? DWARFUnits.read(elf, source: source)
}

/// The temporary root, made on first use; the fuzzer runs one input at a time.
nonisolated(unsafe) private var confRoot: String?

private func readLdConf(_ bytes: [UInt8]) {
    let root = confRoot ?? makeConfRoot()
    confRoot = root
    let files = bytes.split(separator: 0, maxSplits: 3, omittingEmptySubsequences: false)
    for index in 0..<4 {
        let path = index == 0 ? "\(root)/etc/ld.so.conf" : "\(root)/etc/ld.so.conf.d/\(index).conf"
        if index < files.count { write(Array(files[index]), to: path) } else { unlink(path) }
    }
    let conf = LdConf.read(root: FileSystemRoot(directory: root))
    _ = (conf.directories, conf.limitsReached)
}

private func makeConfRoot() -> String {
    var template = Array("/tmp/avc-explain-fuzz-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { fatalError("mkdtemp failed") }
    let root = String(cString: made)
    mkdir(root + "/etc", 0o755)
    mkdir(root + "/etc/ld.so.conf.d", 0o755)
    atexit { if let root = confRoot { removeTree(root) } }
    return root
}

private func removeTree(_ root: String) {
    for name in ["etc/ld.so.conf"] + (1...3).map({ "etc/ld.so.conf.d/\($0).conf" }) { unlink("\(root)/\(name)") }
    rmdir(root + "/etc/ld.so.conf.d")
    rmdir(root + "/etc")
    rmdir(root)
}

private func write(_ bytes: [UInt8], to path: String) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { fatalError("cannot write \(path)") }
    _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    close(fd)
}
