import ELFLoader

/// A runtime code generator and its documented way to do without executable memory.
public struct JITComponent: Sendable, Equatable {
    public var name: String
    public var offSwitch: String
}

/// A code generator found in one object of a closure, and what gave it away.
public struct JITMatch: Sendable, Equatable {
    public var index: Int
    public var component: JITComponent
    /// "soname libpcre2-8.so.0", "imports pcre2_jit_compile_8", …
    public var clue: String
}

/// Recognises code generators by library name and by dynamic symbol (rootcause.md §6).
enum JITFingerprints {
    static let pcre2 = JITComponent(name: "PCRE2 JIT", offSwitch: "PCRE2 falls back to its interpreter when JIT memory is refused; turn JIT off in the application (PHP: pcre.jit=0) or per pattern with (*NO_JIT)")
    static let luajit = JITComponent(name: "LuaJIT", offSwitch: "jit.off() or luajit -joff stops trace compilation (FFI callbacks still need executable memory)")
    static let spiderMonkey = JITComponent(name: "SpiderMonkey", offSwitch: "GJS_DISABLE_JIT=1 for gjs-based programs")
    static let javaScriptCore = JITComponent(name: "JavaScriptCore", offSwitch: "JSC_useJIT=false in the environment")
    static let hotspot = JITComponent(name: "HotSpot JVM", offSwitch: "no switch removes it (-Xint still generates stubs); use the java_execstack boolean or a Zero VM build")
    static let v8 = JITComponent(name: "V8", offSwitch: "node --jitless (or NODE_OPTIONS=--jitless); the --jitless V8 flag for other embedders")
    static let llvm = JITComponent(name: "LLVM JIT", offSwitch: "PostgreSQL: jit=off; Mesa llvmpipe: use a hardware driver")
    static let orc = JITComponent(name: "GStreamer orc", offSwitch: "ORC_CODE=backup")
    static let libffi = JITComponent(name: "libffi closures", offSwitch: "libffi 3.4+ built with static trampolines needs no executable memory")
    static let qml = JITComponent(name: "Qt QML (V4)", offSwitch: "QV4_FORCE_INTERPRETER=1")
    static let coreclr = JITComponent(name: ".NET CoreCLR", offSwitch: "keep DOTNET_EnableWriteXorExecute=1 (the default), which double-maps instead of RWX")
    static let mono = JITComponent(name: "Mono", offSwitch: "MONO_ENV_OPTIONS=--interpreter")
    static let wamr = JITComponent(name: "WAMR (WebAssembly)", offSwitch: "run modules in the interpreter instead of AOT/JIT")
    static let wasmtime = JITComponent(name: "wasmtime", offSwitch: "the Pulley interpreter in recent wasmtime releases")
    static let wasmer = JITComponent(name: "wasmer", offSwitch: "none documented")
    static let beam = JITComponent(name: "Erlang BEAM JIT", offSwitch: "-emu_flavor emu, where that flavour was built")

    static let sonamePrefixes: [(String, JITComponent)] = [
        ("libpcre2-8.so", pcre2), ("libpcre2-16.so", pcre2), ("libpcre2-32.so", pcre2), ("libluajit-5.1.so", luajit),
        ("libmozjs-", spiderMonkey), ("libjavascriptcoregtk-", javaScriptCore), ("libjvm.so", hotspot),
        ("libnode.so", v8), ("libv8.so", v8), ("libLLVM", llvm), ("liborc-0.4.so", orc), ("libffi.so", libffi),
        ("libQt5Qml.so", qml), ("libQt6Qml.so", qml), ("libcoreclr.so", coreclr), ("libclrjit.so", coreclr),
        ("libmonosgen-2.0.so", mono), ("libiwasm.so", wamr), ("libwasmtime.so", wasmtime), ("libwasmer.so", wasmer),
    ]

    static let executables: [String: JITComponent] = ["node": v8, "java": hotspot, "beam.smp": beam]

    /// Symbols (by prefix) that only a code generator or its embedder has.
    static let symbolPrefixes: [(String, JITComponent)] = [
        ("pcre2_jit_compile", pcre2), ("luaJIT_setmode", luajit), ("luaopen_jit", luajit),
        ("JNI_CreateJavaVM", hotspot), ("_ZN2v88Isolate", v8), ("_ZN2v82V8", v8),
        ("LLVMCreateMCJITCompilerForModule", llvm), ("LLVMCreateExecutionEngineForModule", llvm), ("LLVMOrcCreateLLJIT", llvm), ("_ZN4llvm3orc", llvm),
        ("orc_program_compile", orc), ("ffi_closure_alloc", libffi), ("ffi_prep_closure_loc", libffi),
        ("wasm_runtime_init", wamr), ("wasm_runtime_full_init", wamr), ("wasm_runtime_load", wamr),
        ("wasmtime_", wasmtime), ("wasmer_", wasmer), ("mono_jit_init", mono), ("coreclr_initialize", coreclr),
        ("JS_Init", spiderMonkey), ("JSGlobalContextCreate", javaScriptCore), ("jsc_context_new", javaScriptCore),
    ]

    /// `symbolPrefixes` by their first byte, in the same order: every dynamic symbol of every
    /// object is checked, and most (`malloc`, `__libc_start_main`) are then checked against none.
    static let symbolPrefixesByFirstByte = Dictionary(grouping: symbolPrefixes) { $0.0.utf8.first ?? 0 }

    /// Whether a symbol name (its bytes) could be one of `symbolPrefixes`' as `bySymbols` tests
    /// them, so that no string is made of the others (most of every object's symbols). The
    /// first byte first, by table rather than by hashing it: `bySymbols` tests it too, and the
    /// string it makes begins with the same byte when that is ASCII, as every prefix's is (a
    /// byte that is not ASCII stays one, or becomes U+FFFD's). An ASCII name can begin with an
    /// ASCII prefix (none has a CR, which joins an LF into one Character) only if its bytes do;
    /// any other name is left for the string comparison.
    static func mayBeTelling(_ name: ArraySlice<UInt8>) -> Bool {
        guard let first = name.first else { return false }
        let candidates = symbolPrefixBytesByFirstByte[Int(first)]
        guard !candidates.isEmpty else { return false }
        guard name.allSatisfy({ $0 < 0x80 }) else { return true }
        return candidates.contains { name.starts(with: $0) }
    }

    /// `symbolPrefixes`' bytes, indexed by their first byte.
    static let symbolPrefixBytesByFirstByte: [[[UInt8]]] = {
        var table = [[[UInt8]]](repeating: [], count: 256)
        for (prefix, _) in symbolPrefixes { table[Int(prefix.utf8.first ?? 0)].append(Array(prefix.utf8)) }
        return table
    }()

    static func byName(_ object: LoadedObject) -> (component: JITComponent, clue: String)? {
        let base = object.path.lastPathComponent
        if object.parent == nil, let c = executables[base] { return (c, "the program is \(base)") }
        let names = [object.elf.dynamic?.soname, object.neededName, base].compactMap { $0 }
        // The first byte first, as for symbols: an executable's names (its path and base name)
        // seldom start with any prefix's, and each program's executable is asked.
        guard names.contains(where: { $0.utf8.first.map(sonamePrefixFirstBytes.contains) ?? false }) else { return nil }
        for (prefix, component) in sonamePrefixes {
            if let name = names.first(where: { $0.utf8.first == prefix.utf8.first && $0.hasPrefix(prefix) }) {
                return (component, "library \(name)")
            }
        }
        return nil
    }

    /// The bytes `sonamePrefixes` begin with.
    private static let sonamePrefixFirstBytes = Set(sonamePrefixes.compactMap(\.0.utf8.first))

    /// One match per component, naming the first telling symbol.
    static func bySymbols(_ symbols: [DynamicSymbol]) -> [(component: JITComponent, clue: String)] {
        var out: [(JITComponent, String)] = []
        for symbol in symbols {
            guard let first = symbol.name.utf8.first, let candidates = symbolPrefixesByFirstByte[first],
                  let (_, component) = candidates.first(where: { symbol.name.hasPrefix($0.0) }),
                  !out.contains(where: { $0.0 == component }) else { continue }
            out.append((component, "\(symbol.defined ? "defines" : "imports") \(symbol.name)"))
        }
        return out
    }
}
