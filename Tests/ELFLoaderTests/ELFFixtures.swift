import Foundation
import TestSupport

/// Real ELF objects built with the system toolchain for each test run.
final class ELFFixtures: @unchecked Sendable {
    let dir: TemporaryDirectory
    var root: String { dir.path }

    init() throws {
        dir = try TemporaryDirectory("elf-fixtures")
        let d = root
        _ = try Toolchain.source("plain.c", "int plain(void) { return 1; }\n", in: d)
        _ = try Toolchain.source("main.c", "int main(void) { return 0; }\n", in: d)
        try FileManager.default.createDirectory(atPath: d + "/lib", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: d + "/bin", withIntermediateDirectories: true)
        try Toolchain.gcc(["-shared", "-fPIC", "-o", "lib/libplain.so", "plain.c"], in: d)
        try Toolchain.gcc(["-shared", "-fPIC", "-Wl,-z,execstack", "-o", "lib/libexecstack.so", "plain.c"], in: d)
        try Toolchain.gcc(["-shared", "-o", "lib/libasm.so", Package.program("invokeNative_em64.s")], in: d)
        try Toolchain.gcc(["-shared", "-Wl,-z,notext", "-o", "lib/libtextrel.so", Package.program("textrel.s")], in: d)
        try Toolchain.gcc(["-o", "bin/nostack", "main.c"], in: d)
        try Shell.must(Package.stripGNUStack, [d + "/bin/nostack"])
    }

    func path(_ relative: String) -> String { root + "/" + relative }
}
