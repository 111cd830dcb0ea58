import AuditInput
import AuditEvents

/// Enforcing-mode and boolean changes (MAC_STATUS, MAC_CONFIG_CHANGE) and SELinux errors, kept
/// in log order for the timeline and counted past their bounds.
extension Diagnoser {
    mutating func noteStateChanges(_ event: Event) {
        for record in event.records {
            switch record.type {
            case "MAC_STATUS":
                let f = record.fields
                guard let enforcing = f.int("enforcing") else { continue }
                timelineSeen += 1
                guard timeline.count < Self.maxTimeline else { continue }
                timeline.append(StatusChange(when: event.key, change: .enforcing(enforcing == 1, previous: f.int("old_enforcing").map { $0 == 1 }),
                                             auid: f.int("auid")))
            case "MAC_CONFIG_CHANGE":
                let f = record.fields
                guard let name = f["bool"], let value = f.int("val") else { continue }
                timelineSeen += 1
                guard timeline.count < Self.maxTimeline else { continue }
                timeline.append(StatusChange(when: event.key, change: .boolean(name, value == 1, previous: f.int("old_val").map { $0 == 1 }),
                                             auid: f.int("auid")))
            case "SELINUX_ERR", "USER_SELINUX_ERR":
                var text = record.type == "USER_SELINUX_ERR" ? (record.fields["msg"] ?? record.body) : record.body
                if text.count > 300 { text = String(text.prefix(300)) + "…" }
                selinuxErrorRecords += 1
                if let i = selinuxErrors.firstIndex(where: { $0.text == text }) {
                    selinuxErrors[i].count += 1
                } else if selinuxErrors.count < Self.maxErrors {
                    selinuxErrors.append((text, 1, event.key))
                } else {
                    selinuxErrorRecordsUnlisted += 1
                }
            default:
                continue
            }
        }
    }
}
