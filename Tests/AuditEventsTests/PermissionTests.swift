import Testing
import AuditEvents

@Suite struct PermissionTests {
    @Test func namesRoundTripAndOthersStayAsLogged() {
        for name in ["execmem", "execstack", "execheap", "execmod", "execute", "read", "Execmem", "exec mem", "", "é"] {
            #expect(Permission(name).name == name)
        }
        #expect(Permission("execmod") == .execmod)
        #expect(Permission("execmem ") == .other("execmem "))
    }

    /// Findings list permissions sorted by name, as when they were Strings.
    @Test func sortedByName() {
        let names = ["write", "execstack", "execute", "Zed", "execmem", "execheap", "append", "execmod", "map"]
        #expect(names.map(Permission.init).sorted().map(\.name) == names.sorted())
    }
}
