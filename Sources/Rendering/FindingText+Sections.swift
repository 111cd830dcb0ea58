import Diagnosis

/// The sections of a finding's block, after its rows.
extension FindingText {
    /// A block's sections, in their order. Told apart by kind, their titles and items looked
    /// up when needed, rather than built as values for every finding (or held in closures,
    /// which would copy the whole Finding for every section of every finding).
    enum Section: CaseIterable {
        case why, atFault, live, stillRunning, evidence, settle, commandsToRun, fixes

        var title: String {
            switch self {
            case .why: "Why"
            case .atFault: "At fault"
            case .live: "Seen in the running process"
            case .stillRunning: "Still running (the host report's process list)"
            case .evidence: "Evidence"
            case .settle: "What would settle it"
            case .commandsToRun: "Run where the program is installed"
            case .fixes: "Fix, safest first"
            }
        }

        /// How the reference line names it.
        var name: String {
            switch self {
            case .why: "why"
            case .atFault: "at fault"
            case .live: "seen in the running process"
            case .stillRunning: "still running"
            case .evidence: "evidence"
            case .settle: "what would settle it"
            case .commandsToRun: "commands to run"
            case .fixes: "fixes"
            }
        }

        /// The items of a list of bullets, one paragraph an item; nil for other sections.
        func bullets(_ f: Finding) -> [String]? {
            switch self {
            case .live: f.liveFacts
            case .stillRunning: f.stillRunningFacts
            case .evidence: f.evidence
            case .settle: f.evidenceNeeded
            case .why, .atFault, .commandsToRun, .fixes: nil
            }
        }

        /// Whether `f`'s block has it: Why and At fault always, the others when not empty.
        func isShown(for f: Finding) -> Bool {
            switch self {
            case .why, .atFault: true
            case .commandsToRun: !f.commandsToRun.isEmpty
            case .fixes: !f.fixes.isEmpty
            case .live, .stillRunning, .evidence, .settle: bullets(f)?.isEmpty == false
            }
        }

        /// Commands are printed every time, to be copied from where they are needed.
        var alwaysPrinted: Bool { self == .commandsToRun }

        /// Whether the body shortens paragraphs printed before.
        var sharesParagraphs: Bool {
            switch self {
            case .live, .stillRunning, .evidence, .settle, .fixes: true
            case .why, .atFault, .commandsToRun: false
            }
        }
    }
}
