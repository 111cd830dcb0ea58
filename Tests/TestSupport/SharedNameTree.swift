import Foundation

/// One sysroot: libraries with the same names in several directories, reached through
/// DT_RPATH, DT_RUNPATH (plain, $ORIGIN, $LIB, $PLATFORM), paths, symlinks, ld.so.conf or
/// ld.so.cache, DF_1_NODEFLIB, two interpreters and two classes; programs whose first
/// dependencies are loaded alike while what below them sees of the program differs.
public struct SharedNameTree {
    public let dir: TemporaryDirectory
    /// The executables to analyse: some are symlinks, one is missing, one is a library's name.
    public private(set) var programs: [String] = []

    /// `withCache`: ldconfig makes an ld.so.cache of it; `objectBound`: a closure reaches past it.
    public init(withCache: Bool, objectBound: Int) throws {
        dir = try TemporaryDirectory("closure-differential")
        try build(objectBound: objectBound)
        if withCache {
            let ldconfig = ["/sbin/ldconfig", "/usr/sbin/ldconfig"].first { FileManager.default.isExecutableFile(atPath: $0) }
            guard let ldconfig else { throw TestFailure("no ldconfig to build an ld.so.cache") }
            try Shell.must(ldconfig, ["-r", dir.path])
            guard FileManager.default.fileExists(atPath: dir.path + "/etc/ld.so.cache") else { throw TestFailure("ldconfig wrote no cache") }
        }
    }

    /// A library (its soname its file's name unless given), or with `program` an executable.
    private func put(_ path: String, arch: String = "x86_64", program: Bool = false, interpreter: String? = nil, soname: String? = nil,
                     needs: [String] = [], runpath: String? = nil, rpath: String? = nil, noDefaultLibraries: Bool = false, executableStack: Bool = false) throws {
        var elf = ELFWriter.named(arch)
        elf.type = 3
        elf.interpreter = interpreter
        elf.soname = program ? soname : soname ?? path.split(separator: "/").last.map(String.init)
        elf.needed = needs
        elf.runpath = runpath
        elf.rpath = rpath
        elf.noDefaultLibraries = noDefaultLibraries
        if executableStack { elf.stackFlags = 7 }
        try elf.write(to: dir.path + path)
    }

    private func link(_ path: String, to target: String) throws {
        try FileManager.default.createDirectory(atPath: (dir.path + path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir.path + path, withDestinationPath: target)
    }

    private mutating func program(_ path: String, arch: String = "x86_64", interpreter: String? = "/lib64/ld-linux-x86-64.so.2",
                                  soname: String? = nil, needs: [String], runpath: String? = nil, rpath: String? = nil,
                                  noDefaultLibraries: Bool = false) throws {
        try put(path, arch: arch, program: true, interpreter: interpreter, soname: soname, needs: needs, runpath: runpath,
                rpath: rpath, noDefaultLibraries: noDefaultLibraries)
        programs.append(path)
    }

    private mutating func build(objectBound: Int) throws {
        try dir.directories(["etc", "lib", "usr/lib"])
        _ = try dir.write("etc/ld.so.conf", "/conf/lib\n")
        // Libraries under /usr/lib, and other libmids elsewhere.
        try put("/usr/lib/libc.so.6", needs: ["ld-linux-x86-64.so.2"])
        try put("/usr/lib/ld-linux-x86-64.so.2")
        try put("/usr/lib/ld-musl-x86_64.so.1")
        try put("/usr/lib/libtop.so", needs: ["libmid.so", "libc.so.6"])
        try put("/usr/lib/libmid.so", needs: ["libleaf.so", "ld-musl-x86_64.so.1"])
        try put("/usr/lib/libleaf.so", needs: ["libpcre2-8.so.0"], executableStack: true)
        try put("/usr/lib/libpcre2-8.so.0")
        try put("/opt/x/lib/libmid.so", needs: ["libleaf.so", "libx-only.so"], executableStack: true)
        try put("/opt/x/lib/libx-only.so")
        try put("/opt/y/lib/libmid.so", needs: ["libffi.so.8"])
        try put("/opt/y/lib/libffi.so.8")
        try put("/usr/lib/librun.so", needs: ["libmid.so", "libx-only.so", "libsym.so"], runpath: "/opt/x/lib")
        try put("/usr/lib/librpath.so", needs: ["libdeep.so", "libdeeprun.so"], rpath: "/opt/y/lib")
        try put("/usr/lib/libdeep.so", needs: ["libmid.so", "libffi.so.8"])
        try put("/usr/lib/libdeeprun.so", needs: ["libmid.so", "libffi.so.8"], runpath: "/usr/lib")
        // $ORIGIN is the directory a library was opened from, symlink or not.
        try put("/opt/o/lib/liborigin.so", needs: ["libpriv.so"], runpath: "$ORIGIN/../private")
        try put("/opt/o/private/libpriv.so", needs: ["libmid.so"], executableStack: true)
        try link("/usr/lib/liborigin.so", to: "/opt/o/lib/liborigin.so")
        try put("/usr/lib/libtoken.so", needs: ["libl.so", "libp.so"], runpath: "/opt/$LIB:/opt/${PLATFORM}/p")
        try put("/opt/lib/x86_64-linux-gnu/libl.so")
        try put("/opt/x86_64/p/libp.so", executableStack: true)
        try put("/usr/lib/libnodef.so", needs: ["libmid.so", "libleaf.so", "libc.so.6"], runpath: "/opt/x/lib", noDefaultLibraries: true)
        try put("/usr/lib/libslash.so", needs: ["/opt/x/lib/libmid.so", "libmid.so"])
        // Names of programs: one's soname, another's path, a third's file under a library's name.
        try put("/usr/lib/libself.so", needs: ["libselfname.so", "/opt/p1/bin/prog", "libmid.so"])
        try link("/usr/lib/libalias.so", to: "/opt/v/bin/prog")
        try put("/usr/lib/libaliasuser.so", needs: ["libalias.so", "libtop.so"])
        try link("/usr/lib/libdirect.so", to: "libmid.so")
        // Directories reached through symlinks: a default directory, and RUNPATHs plain and $ORIGIN.
        try link("/lib64", to: "usr/lib")
        try link("/opt/xlink", to: "x")
        try put("/usr/lib/libvialink.so", needs: ["libmid.so", "liborigin.so"], runpath: "/opt/xlink/lib")
        try link("/opt/olink", to: "/opt/o")
        try put("/usr/lib/libboth.so", needs: ["libdeep.so", "liborigin.so"], runpath: "/opt/olink/lib", rpath: "/opt/y/lib")
        // Found through ld.so.conf (or the cache ldconfig makes of it).
        try put("/conf/lib/libconf.so", needs: ["libmid.so", "libconfdep.so"])
        try put("/conf/lib/libconfdep.so", needs: ["libtop.so"], executableStack: true)
        // 32-bit: the same names, the 64-bit files passed over.
        try put("/usr/lib/i386-linux-gnu/libtop.so", arch: "i386", needs: ["libmid.so", "libc.so.6"])
        try put("/usr/lib/i386-linux-gnu/libmid.so", arch: "i386", needs: ["libleaf.so"], executableStack: true)
        try put("/usr/lib/i386-linux-gnu/libc.so.6", arch: "i386", needs: ["ld-linux.so.2"])
        try put("/usr/lib/i386-linux-gnu/librun.so", arch: "i386", needs: ["libmid.so"], runpath: "/opt/x/lib")
        try put("/usr/lib/i386-linux-gnu/libtoken.so", arch: "i386", needs: ["libl.so", "libp.so"], runpath: "/opt/$LIB:/opt/${PLATFORM}/p")
        try put("/opt/lib/libl.so", arch: "i386")
        try put("/opt/i386/p/libp.so", arch: "i386")
        // Past the bound of objects.
        let many = (0..<(objectBound + 10)).map { "libb\($0).so" }
        // The last object within the bound asks for an executable stack, and one past it.
        for (i, name) in many.enumerated() { try put("/usr/lib/" + name, executableStack: i == objectBound - 3 || i == objectBound + 2) }
        try put("/usr/lib/libbig.so", needs: many)

        try program("/opt/a/bin/prog", needs: ["libtop.so", "librun.so"])
        try program("/opt/b/bin/prog", needs: ["libtop.so", "librun.so"])
        try program("/opt/c/bin/prog", needs: ["libtop.so", "librun.so"], runpath: "/opt/x/lib")
        try program("/opt/c2/bin/prog", needs: ["libmid.so", "libtop.so"], runpath: "/opt/x/lib")
        try program("/opt/d/bin/prog", needs: ["libtop.so", "librun.so"], rpath: "/opt/y/lib")
        try put("/opt/e/lib/libmid.so", executableStack: true)
        try program("/opt/e/bin/prog", needs: ["libtop.so"], rpath: "$ORIGIN/../lib")
        try put("/opt/f/lib/libtop.so", needs: ["libmid.so"])
        try program("/opt/f/bin/prog", needs: ["libtop.so"], runpath: "$ORIGIN/../lib")
        try program("/opt/f2/bin/prog", needs: ["libtop.so"], runpath: "$ORIGIN/../lib")
        try program("/opt/g/bin/prog", soname: "libselfname.so", needs: ["libself.so"])
        try program("/opt/h/bin/prog", needs: ["libself.so"])
        try program("/opt/p1/bin/prog", needs: ["libself.so"])
        try program("/opt/k/bin/prog", interpreter: "/lib/ld-musl-x86_64.so.1", needs: ["libtop.so", "librun.so"])
        try program("/opt/k2/bin/prog", interpreter: nil, needs: ["libtop.so", "librun.so"])
        try program("/opt/l/bin/prog", needs: ["libmid.so", "libtop.so"], runpath: "/opt/x/lib", noDefaultLibraries: true)
        try program("/opt/m/bin/prog", needs: ["/opt/x/lib/libmid.so", "libtop.so"])
        try program("/opt/n/bin/prog", arch: "i386", interpreter: "/lib/ld-linux.so.2", needs: ["libtop.so", "librun.so", "libtoken.so"])
        try program("/opt/n2/bin/prog", arch: "i386", interpreter: nil, needs: ["libtop.so", "librun.so", "libtoken.so"])
        try program("/opt/o/bin/prog", needs: ["libnodef.so", "libtop.so"])
        try program("/opt/o2/bin/prog", needs: ["libtop.so", "libnodef.so"])
        try program("/opt/p/bin/prog", needs: ["libconf.so"])
        try program("/opt/q/bin/prog", needs: ["liborigin.so"])
        try program("/opt/r/bin/prog", needs: ["liborigin.so"], runpath: "/opt/o/lib")
        try program("/opt/s/bin/prog", needs: ["libbig.so"])
        try program("/opt/t/bin/prog", needs: ["libbig.so"])
        try program("/opt/u/bin/prog", needs: ["libtop.so", "libbig.so"])
        // Cut among the executable's own dependencies: nothing below them is searched.
        try program("/opt/wide/bin/prog", needs: ["libtop.so"] + many)
        try program("/opt/wide2/bin/prog", needs: ["libtop.so"] + many.reversed())
        try program("/opt/v/bin/prog", needs: ["libaliasuser.so"])
        try program("/opt/w/bin/prog", needs: ["libaliasuser.so"])
        try program("/opt/x/bin/prog", needs: ["libtoken.so", "libtop.so"])
        try program("/opt/y/bin/prog", needs: ["librpath.so", "libtop.so"])
        try program("/opt/z/bin/prog", needs: ["libdirect.so", "libtop.so"])
        try program("/opt/z2/bin/prog", needs: ["libslash.so", "libtop.so"])
        // The same executables under other names.
        try link("/usr/bin/link", to: "/opt/a/bin/prog")
        try link("/opt/e2/bin/prog", to: "../../e/bin/prog")
        try link("/opt/f3/bin/prog", to: "/opt/f/bin/prog")
        // Real objects, whose dynamic symbols betray code generators: a library below some
        // programs' own dependencies (librun's), and two programs importing from it.
        _ = try Toolchain.source("sym.c", "int ffi_closure_alloc(void) { return 0; }\nint pcre2_jit_compile_8(void) { return 0; }\n", in: dir.path)
        _ = try Toolchain.source("main.c", "int pcre2_jit_compile_8(void);\nint main(void) { return pcre2_jit_compile_8(); }\n", in: dir.path)
        try dir.directories(["opt/gcc/bin", "opt/gcc2/bin"])
        try Toolchain.gcc(["-shared", "-fPIC", "-o", "usr/lib/libsym.so", "sym.c"], in: dir.path)
        for path in ["/opt/gcc/bin/prog", "/opt/gcc2/bin/prog"] {
            try Toolchain.gcc(["-o", String(path.dropFirst()), "main.c", "-Lusr/lib", "-lsym"], in: dir.path)
            programs.append(path)
        }
        try program("/opt/ab/bin/prog", needs: ["libvialink.so", "libboth.so"])
        try program("/opt/ac/bin/prog", needs: ["libtop.so", "librun.so"], runpath: "/opt/x/lib", rpath: "/opt/y/lib")
        try link("/opt/alias", to: "a")
        programs += ["/opt/alias/bin/prog", "/usr/bin/link", "/opt/e2/bin/prog", "/opt/f3/bin/prog", "/opt/none/bin/prog", "/usr/lib/libalias.so"]
    }
}
