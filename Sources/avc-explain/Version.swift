/// The one place the version is written: `--version` prints it, and the Makefile reads it (with
/// sed, from this exact line) to name the release tarball and the RPM and DEB packages.
let avcExplainVersion = "0.2.0"
