/// What the debug info says about where an executable-stack request came from.
public enum AssemblerScan: Sendable, Equatable {
    /// Debug info was read; these units were written in assembly (possibly none).
    case units([CompileUnit], debugFile: String)
    /// Neither the object nor a `/usr/lib/debug/.build-id/…` file has DWARF.
    case noDebugInfo
    case unreadable(String)
}

extension ELFFile {
    /// The GNU build ID (NT_GNU_BUILD_ID in a PT_NOTE segment), as lowercase hex.
    public func buildID(_ source: ByteSource) -> String? {
        for note in programHeaders where note.type == 4 && note.fileSize <= 1 << 16 {
            guard let bytes = source.read(at: note.offset, count: Int(note.fileSize)) else { continue }
            var c = Cursor(bytes: bytes, bigEndian: bigEndian)
            while !c.failed, c.position + 12 <= bytes.count {
                let nameSize = Int(c.u32()), descSize = Int(c.u32()), type = c.u32()
                let nameStart = c.position
                c.skip((nameSize + 3) & ~3)
                let descStart = c.position
                c.skip((descSize + 3) & ~3)
                if c.failed { break }
                if type == 3, nameSize == 4, Array(bytes[nameStart..<(nameStart + 3)]) == Array("GNU".utf8), descSize > 0 {
                    return bytes[descStart..<(descStart + descSize)].map { b in
                        let h = String(b, radix: 16)
                        return h.count == 1 ? "0" + h : h
                    }.joined()
                }
            }
        }
        return nil
    }
}

extension LoaderSearch {
    /// Assembler-written compile units of an object, from its own DWARF or from the separate
    /// debug file its build ID names (as debuginfo packages install them). `real`: the path
    /// already resolved inside the root (a `FileIdentity`'s), opened without walking it again;
    /// `elf`: that file's headers, when already parsed.
    public func assemblerUnits(ofFile path: String, resolvedTo real: String? = nil, elf parsed: ELFFile? = nil) -> AssemblerScan {
        do {
            let file = try real.map { try root.open(resolved: $0) } ?? root.open(path)
            let elf = try parsed ?? ELFFile(file)
            if let units = try DWARFUnits.read(elf, source: file) {
                return .units(units.filter(\.isAssembler), debugFile: path)
            }
            guard let id = elf.buildID(file), id.count > 2 else { return .noDebugInfo }
            let debugPath = "/usr/lib/debug/.build-id/\(id.prefix(2))/\(id.dropFirst(2)).debug"
            guard let debugFile = try? root.open(debugPath) else { return .noDebugInfo }
            let debugELF = try ELFFile(debugFile)
            guard let units = try DWARFUnits.read(debugELF, source: debugFile) else { return .noDebugInfo }
            return .units(units.filter(\.isAssembler), debugFile: debugPath)
        } catch {
            return .unreadable("\(error)")
        }
    }
}
