// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "avc-explain",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "avc-explain", targets: ["avc-explain"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.4.0"),
    ],
    targets: [
        // libaudit: syscall, machine and record-type names, and the audit netlink socket.
        .systemLibrary(
            name: "CAudit",
            pkgConfig: "audit",
            providers: [.apt(["libaudit-dev"])]
        ),
        // libauparse: only the tests' oracle reads with it; the tool does not link it.
        .systemLibrary(
            name: "CAuparse",
            pkgConfig: "auparse",
            providers: [.apt(["libauparse-dev"])]
        ),
        // zlib, for rotated logs kept as .gz.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // libarchive, to read an sosreport's .tar.xz in place.
        .systemLibrary(
            name: "CArchive",
            pkgConfig: "libarchive",
            providers: [.apt(["libarchive-dev"])]
        ),
        // Linux interfaces the Glibc module leaves out (signalfd, audit netlink, openat2).
        .systemLibrary(name: "CLinux"),
        // Bytes in, typed audit records out: line reading, record grammar, value decoding.
        .target(name: "AuditInput", dependencies: [
            "CAudit", "CZlib", "CLinux", "CArchive", .product(name: "SystemPackage", package: "swift-system"),
        ]),
        // Records in, events out: grouping by (node, time, serial) and typed views of an event.
        .target(name: "AuditEvents", dependencies: ["AuditInput", "CAudit"]),
        // ELF parsing and an emulation of ld.so's library search.
        .target(name: "ELFLoader", dependencies: [
            "CLinux", .product(name: "SystemPackage", package: "swift-system"),
        ]),
        // Events in, findings out: which mechanism, which object, which fix.
        .target(name: "Diagnosis", dependencies: ["AuditEvents", "ELFLoader"]),
        // An sosreport, extracted or a tarball: its audit logs as inputs, and its host's facts.
        .target(name: "Sosreport", dependencies: ["AuditInput", "Diagnosis", "ELFLoader"]),
        // Findings in, text or JSON out.
        .target(name: "Rendering", dependencies: ["Diagnosis"]),
        .executableTarget(name: "avc-explain", dependencies: [
            "AuditInput", "AuditEvents", "Diagnosis", "ELFLoader", "Rendering", "Sosreport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Helpers for tests: temporary directories, the C toolchain, running the built tool.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "AuditInputTests", dependencies: ["AuditInput", "AuditEvents", "TestSupport"]),
        .testTarget(name: "AuditEventsTests", dependencies: ["AuditEvents"]),
        .testTarget(name: "ELFLoaderTests", dependencies: ["ELFLoader", "TestSupport"]),
        .testTarget(name: "DiagnosisTests", dependencies: ["Diagnosis", "Rendering", "AuditEvents", "AuditInput", "ELFLoader", "TestSupport"]),
        .testTarget(name: "DifferentialTests", dependencies: ["AuditInput", "AuditEvents", "CAuparse", "TestSupport"]),
        .testTarget(name: "SosreportTests", dependencies: ["Sosreport", "AuditInput", "Diagnosis", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["TestSupport", "avc-explain", "AuditInput"], exclude: ["Golden"]),
    ],
    swiftLanguageModes: [.v6]
)
