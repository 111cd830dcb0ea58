import Diagnosis

/// Strings from a log or a file system are printed with terminal control characters escaped,
/// so a crafted `comm` or path cannot move the cursor, retitle the window or hide text; bidi
/// and line-separator characters too, so it cannot reorder or split the line it is printed on.
public enum TerminalText {
    public static func sanitize(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            let v = scalar.value
            if scalar.isControlOrBidi {
                let hex = String(v, radix: 16, uppercase: false)
                out += v <= 0xff ? "\\x" + (hex.count == 1 ? "0" : "") + hex : "\\u{\(hex)}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Greedy word wrap: the first line starts with `prefix`, the rest with `indent`, and no
    /// line is longer than `width` unless a single word is.
    static func wrap(_ text: String, prefix: String, indent: String, width: Int) -> String {
        var lines: [String] = []
        var current = prefix
        var empty = true
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if !empty, current.count + 1 + word.count > width {
                lines.append(current)
                current = indent + word
            } else {
                current += (empty ? "" : " ") + word
            }
            empty = false
        }
        lines.append(current)
        return lines.joined(separator: "\n")
    }
}

/// ANSI styles, applied only when the caller decided colour is wanted (a TTY, no NO_COLOR).
struct Style {
    let enabled: Bool
    func bold(_ s: String) -> String { enabled ? "\u{1b}[1m\(s)\u{1b}[0m" : s }
    func red(_ s: String) -> String { enabled ? "\u{1b}[31m\(s)\u{1b}[0m" : s }
    func yellow(_ s: String) -> String { enabled ? "\u{1b}[33m\(s)\u{1b}[0m" : s }
    func cyan(_ s: String) -> String { enabled ? "\u{1b}[36m\(s)\u{1b}[0m" : s }
    func dim(_ s: String) -> String { enabled ? "\u{1b}[2m\(s)\u{1b}[0m" : s }
}
