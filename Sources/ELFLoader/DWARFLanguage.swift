/// DW_AT_language codes as the names DWARF gives them, without the `DW_LANG_` prefix: what
/// scripts read in `assembler_units[].language` instead of a bare number.
public enum DWARFLanguage {
    /// The DWARF 5 language table (codes 0x0001–0x0025), and the vendor code gas and NASM use.
    static let names: [UInt64: String] = [
        0x0001: "C89", 0x0002: "C", 0x0003: "Ada83", 0x0004: "C_plus_plus", 0x0005: "Cobol74",
        0x0006: "Cobol85", 0x0007: "Fortran77", 0x0008: "Fortran90", 0x0009: "Pascal83",
        0x000a: "Modula2", 0x000b: "Java", 0x000c: "C99", 0x000d: "Ada95", 0x000e: "Fortran95",
        0x000f: "PLI", 0x0010: "ObjC", 0x0011: "ObjC_plus_plus", 0x0012: "UPC", 0x0013: "D",
        0x0014: "Python", 0x0015: "OpenCL", 0x0016: "Go", 0x0017: "Modula3", 0x0018: "Haskell",
        0x0019: "C_plus_plus_03", 0x001a: "C_plus_plus_11", 0x001b: "OCaml", 0x001c: "Rust",
        0x001d: "C11", 0x001e: "Swift", 0x001f: "Julia", 0x0020: "Dylan", 0x0021: "C_plus_plus_14",
        0x0022: "Fortran03", 0x0023: "Fortran08", 0x0024: "RenderScript", 0x0025: "BLISS",
        0x8001: "Mips_Assembler",
    ]

    /// `C99` for 0x000c; a code the table lacks as `DW_LANG_0x8e57`, so it stays a string.
    public static func name(_ code: UInt64) -> String {
        if let name = names[code] { return name }
        let hex = String(code, radix: 16)
        return "DW_LANG_0x" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
