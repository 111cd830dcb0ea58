import ELFLoader

/// What an object asks of the stack, read from PT_GNU_STACK and the architecture's default.
public enum StackRequest: String, Sendable {
    case executable       // PT_GNU_STACK with PF_X
    case missing          // no PT_GNU_STACK, on an ABI whose default is an executable stack
    case notExecutable

    init(_ elf: ELFFile) {
        if let flags = elf.gnuStackFlags {
            self = flags & 1 != 0 ? .executable : .notExecutable
        } else {
            self = Machine(of: elf).stackExecutableByDefault ? .missing : .notExecutable
        }
    }

    var asksForExecutableStack: Bool { self != .notExecutable }
}

/// A runtime code generator recognised from a library name.
public struct JITComponent: Sendable, Equatable {
    public var name: String
    public var offSwitch: String

    /// Sonames (by prefix) and executable names of known code generators, with their documented off switches.
    static let known: [(prefix: String, component: JITComponent)] = [
        ("libpcre2-8.so", JITComponent(name: "PCRE2 JIT", offSwitch: "PCRE2 falls back to its interpreter when JIT memory is refused; turn JIT off in the application (PHP: pcre.jit=0) or per pattern with (*NO_JIT)")),
        ("libluajit-5.1.so", JITComponent(name: "LuaJIT", offSwitch: "jit.off() or luajit -joff stops trace compilation (FFI callbacks still need executable memory)")),
        ("libmozjs-", JITComponent(name: "SpiderMonkey", offSwitch: "GJS_DISABLE_JIT=1 for gjs-based programs")),
        ("libjavascriptcoregtk-", JITComponent(name: "JavaScriptCore", offSwitch: "JSC_useJIT=false in the environment")),
        ("libjvm.so", JITComponent(name: "HotSpot JVM", offSwitch: "no switch removes it (-Xint still generates stubs); use the java_execstack boolean or a Zero VM build")),
        ("libnode.so", JITComponent(name: "V8 (Node.js)", offSwitch: "node --jitless, or NODE_OPTIONS=--jitless")),
        ("libv8.so", JITComponent(name: "V8", offSwitch: "the --jitless V8 flag")),
        ("libLLVM", JITComponent(name: "LLVM JIT", offSwitch: "PostgreSQL: jit=off; Mesa llvmpipe: use a hardware driver")),
        ("liborc-0.4.so", JITComponent(name: "GStreamer orc", offSwitch: "ORC_CODE=backup")),
        ("libffi.so", JITComponent(name: "libffi closures", offSwitch: "libffi 3.4+ built with static trampolines needs no executable memory")),
        ("libQt5Qml.so", JITComponent(name: "Qt QML (V4)", offSwitch: "QV4_FORCE_INTERPRETER=1")),
        ("libQt6Qml.so", JITComponent(name: "Qt QML (V4)", offSwitch: "QV4_FORCE_INTERPRETER=1")),
        ("libcoreclr.so", JITComponent(name: ".NET CoreCLR", offSwitch: "keep DOTNET_EnableWriteXorExecute=1 (the default), which double-maps instead of RWX")),
        ("libmonosgen-2.0.so", JITComponent(name: "Mono", offSwitch: "MONO_ENV_OPTIONS=--interpreter")),
        ("libiwasm.so", JITComponent(name: "WAMR (WebAssembly)", offSwitch: "run modules in the interpreter instead of AOT/JIT")),
        ("libwasmtime.so", JITComponent(name: "wasmtime", offSwitch: "the Pulley interpreter in recent wasmtime releases")),
        ("libwasmer.so", JITComponent(name: "wasmer", offSwitch: "none documented")),
    ]

    static func recognise(_ object: LoadedObject) -> JITComponent? {
        let base = object.path.split(separator: "/").last.map(String.init) ?? object.path
        let names = [object.neededName, base, object.elf.dynamic?.soname ?? ""]
        for (prefix, component) in known where names.contains(where: { $0.hasPrefix(prefix) }) { return component }
        switch base {
        case "node": return JITComponent(name: "V8 (Node.js)", offSwitch: "node --jitless, or NODE_OPTIONS=--jitless")
        case "java": return JITComponent(name: "HotSpot JVM", offSwitch: "no switch removes it; use the java_execstack boolean")
        case "beam.smp": return JITComponent(name: "Erlang BEAM JIT", offSwitch: "-emu_flavor emu, where that flavour was built")
        default: return nil
        }
    }
}

/// The executable and its DT_NEEDED closure, reduced to what explains exec* denials.
public struct ProgramFacts: Sendable {
    public var closure: LoadClosure
    public var machine: Machine

    public var executable: LoadedObject { closure.objects[0] }
    public var executableStack: StackRequest { StackRequest(executable.elf) }

    /// Libraries (not the executable) that make ld.so turn the stack executable at start-up.
    public var execStackLibraries: [Int] {
        closure.objects.indices.dropFirst().filter { StackRequest(closure.objects[$0].elf).asksForExecutableStack }
    }

    public var textRelocationObjects: [Int] {
        closure.objects.indices.filter { closure.objects[$0].elf.dynamic?.textRelocations ?? false }
    }

    public var rwxSegmentObjects: [Int] {
        closure.objects.indices.filter { !closure.objects[$0].elf.writableExecutableSegments.isEmpty }
    }

    public var jitComponents: [(index: Int, component: JITComponent)] {
        closure.objects.indices.compactMap { i in JITComponent.recognise(closure.objects[i]).map { (i, $0) } }
    }

    /// glibc maps every thread stack with PROT_EXEC when it believes the process needs an
    /// executable stack: the executable asks for one (or has no PT_GNU_STACK, where glibc's
    /// default is executable), or a start-up library made the stack executable.
    public var threadStacksExecutable: Bool {
        executableStack.asksForExecutableStack || !execStackLibraries.isEmpty
    }

    public static func analyse(executable: String, loader: LoaderSearch) -> Result<ProgramFacts, ELFError> {
        do {
            let closure = try loader.closure(executable: executable)
            return .success(ProgramFacts(closure: closure, machine: Machine(of: closure.objects[0].elf)))
        } catch let error as ELFError {
            return .failure(error)
        } catch {
            return .failure(ELFError("\(error)"))
        }
    }
}
