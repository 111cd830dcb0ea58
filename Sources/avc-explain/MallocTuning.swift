import CLinux

/// How the C allocator keeps memory the run has freed.
enum MallocTuning {
    /// By default glibc gives memory back to the kernel once 128 KiB lie free at the top of the
    /// heap and serves each allocation past 128 KiB with a fresh mmap: reading a log region by
    /// region allocates and frees arrays of a few hundred KiB for each region (the prescan's
    /// line references), so their pages were faulted in again every time (in a 64 MB log of
    /// interleaved events, 16,000 page faults and a tenth of the CPU time). Large arrays now
    /// come from the heap, and freed memory is kept for reuse. The peak resident size, which the
    /// memory bound is about, moves by a few MB (`make bench` prints it for every case).
    static func keepFreedMemory() {
        _ = mallopt(M_TRIM_THRESHOLD, 256 << 20)
        _ = mallopt(M_TOP_PAD, 16 << 20)
        _ = mallopt(M_MMAP_THRESHOLD, 32 << 20)
    }
}
