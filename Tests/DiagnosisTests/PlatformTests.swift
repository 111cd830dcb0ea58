import Testing
@testable import Diagnosis

@Suite struct PlatformTests {
    /// The byte test before `hasPrefix` must not change an answer: a prefix whose last "/"
    /// carries a combining mark is no prefix, though its bytes are.
    @Test func androidIsToldFromTheProgramsPath() {
        #expect(Platform.isAndroid(context: nil, path: "/system/bin/app_process64"))
        #expect(Platform.isAndroid(context: "system_u:system_r:unconfined_t:s0", path: "/data/app/x/base.apk"))
        #expect(Platform.isAndroid(context: "u:r:untrusted_app:s0", path: nil))
        #expect(!Platform.isAndroid(context: nil, path: "/usr/bin/python3"))
        #expect(!Platform.isAndroid(context: nil, path: "/system"))
        #expect(!Platform.isAndroid(context: nil, path: ""))
        #expect(!Platform.isAndroid(context: nil, path: "/system/\u{301}bin/sh"))
        #expect(!Platform.isAndroid(context: nil, path: nil))
    }
}
