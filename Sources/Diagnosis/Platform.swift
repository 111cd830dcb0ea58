import ELFLoader

/// Android is recognised from the records themselves: its policy has one user (`u`), the roles
/// `r` and `object_r` and the level `s0` (`u:r:untrusted_app:s0:c512,c768`), and its programs
/// live under the image's partitions. Its policy is compiled into the device image: no
/// booleans, no semanage, and bionic's linker instead of glibc's.
enum Platform {
    static let androidPaths = ["/system/", "/vendor/", "/apex/", "/data/app/", "/product/", "/odm/", "/system_ext/"]

    /// The first byte first: every new finding asks, and only "u" (no other Character is
    /// equivalent to it) begins with that byte.
    static func isAndroidContext(_ context: String) -> Bool {
        context.utf8.first == UInt8(ascii: "u") && (context.hasPrefix("u:r:") || context.hasPrefix("u:object_r:"))
    }

    static func isAndroid(context: String?, path: String?) -> Bool {
        if let context, isAndroidContext(context) { return true }
        guard let path else { return false }
        // The bytes first: `hasPrefix` compares Characters, and every new finding asks twice.
        // No other text is equivalent to "/" or a lower-case letter, so a path starting with
        // one of these prefixes starts with its bytes too.
        let mayBe = path.utf8.withContiguousStorageIfAvailable { bytes in
            androidPathBytes.contains { bytes.starts(with: $0) }
        } ?? true
        return mayBe && androidPaths.contains { path.hasPrefix($0) }
    }

    private static let androidPathBytes = androidPaths.map { Array($0.utf8) }

    static func isAndroid(_ finding: Finding) -> Bool {
        isAndroid(context: finding.process.scontext, path: finding.process.exe ?? finding.target)
    }

    /// bionic's `libc.so` and `linker`, glibc's `libc.so.6` and `ld-linux*.so*`, musl's
    /// `ld-musl-*`: nothing relocates their code at load time, so a write into it is a patch.
    static func isCLibraryOrLoader(_ path: String) -> Bool {
        let name = path.lastPathComponent
        return name == "libc.so" || name.hasPrefix("libc.so.") || name.hasPrefix("libc-2.")
            || name == "linker" || name == "linker64" || name.hasPrefix("ld-linux") || name.hasPrefix("ld-musl-")
    }
}
