import Foundation

/// An Asterisk configuration file (`queues.conf`, `features.conf`) read as Asterisk reads it: `[section]` heads,
/// `(!)` templates and `(template)` inheritance, `key = value` or `key => value`, `;` comments. Line numbers kept.
public struct AsteriskConfig: Sendable {
    public struct Setting: Sendable, Equatable { public let key: String, value: String, line: Int }
    public struct Section: Sendable {
        public let name: String
        public let line: Int
        public let isTemplate: Bool
        public var settings: [Setting]
        /// The last value of a key (Asterisk takes the last one), with its line.
        public func value(_ key: String) -> Setting? { settings.last { $0.key == key } }
    }

    public private(set) var sections: [Section] = []

    public init(_ text: String) {
        var templates: [String: [Setting]] = [:]
        // "\r\n" is one Character in Swift, so lines are split on any line break, not on "\n".
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let number = index + 1
            var line = Substring(raw)
            if let comment = line.firstIndex(of: ";") { line = line[..<comment] }
            // Files from Windows editors and browser forms end their lines in CR LF.
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { continue }
            if trimmed.hasPrefix("["), let close = trimmed.firstIndex(of: "]") {
                let name = String(trimmed[trimmed.index(after: trimmed.startIndex)..<close]).trimmingCharacters(in: .whitespaces)
                let options = trimmed[trimmed.index(after: close)...].trimmingCharacters(in: CharacterSet(charactersIn: " ()"))
                    .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                let isTemplate = options.contains("!")
                let inherited = options.filter { $0 != "!" }.flatMap { templates[$0] ?? [] }
                sections.append(Section(name: name, line: number, isTemplate: isTemplate, settings: inherited))
                continue
            }
            guard !sections.isEmpty, let equals = trimmed.firstIndex(of: "=") else { continue }
            let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var value = trimmed[trimmed.index(after: equals)...]
            if value.hasPrefix(">") { value = value.dropFirst() }
            sections[sections.count - 1].settings.append(Setting(key: key, value: value.trimmingCharacters(in: .whitespacesAndNewlines), line: number))
            if sections[sections.count - 1].isTemplate { templates[sections[sections.count - 1].name] = sections[sections.count - 1].settings }
        }
    }

    public func section(_ name: String) -> Section? { sections.last { $0.name == name } }
    /// The queues: every section of `queues.conf` but `[general]` and the templates.
    public var queues: [Section] { sections.filter { !$0.isTemplate && $0.name != "general" } }
}

/// One PKPA rule a configuration breaks: where, what is wrong and the line that fixes it.
public struct PBXFinding: Sendable, Equatable, Codable {
    public enum File: String, Sendable, Codable { case queues = "queues.conf", features = "features.conf" }
    public let file: File
    public let section: String
    public let line: Int
    /// PKPA 1/2008 telephone rule number (domain.md §4b).
    public let rule: Int
    public let problemKey: String
    public let found: String?
    public let fix: String
}

/// The queue settings that carry out the agency's telephone standard, and the check of an agency's own files.
public enum PBXConfiguration {
    /// Ring strategies that ring one member at a time, where a member's ring time is the caller's wait.
    static let oneAtATime: Set<String> = ["leastrecent", "fewestcalls", "random", "rrmemory", "rrordered", "linear", "wrandom"]

    /// `queues.conf` for the named queues.
    public static func queuesConf(queues: [String], standard: TelephoneStandard, agency: String) -> String {
        var text = """
        ; queues.conf written by Layan for \(agency) — PKPA 1/2008 telephone standards (docs/telephone.md)
        [general]
        persistentmembers = yes
        autofill = yes
        shared_lastcall = yes
        log_membername_as_agent = yes

        ; Rule 1 (answered within \(standard.answerWithinSeconds) s) and rule 4 (status every \(standard.announceEverySeconds) s), shared by every queue.
        [layan-standard](!)
        strategy = rrmemory
        servicelevel = \(standard.answerWithinSeconds)
        timeout = \(min(standard.answerWithinSeconds, 10))
        retry = 1
        wrapuptime = 5
        announce-frequency = \(standard.announceEverySeconds)
        min-announce-frequency = \(standard.announceEverySeconds)
        announce-position = yes
        announce-holdtime = yes
        announce-round-seconds = 10
        periodic-announce = layan/periodic-ms,layan/periodic-en
        periodic-announce-frequency = 60
        joinempty = paused,invalid,unavailable
        leavewhenempty = paused,invalid,unavailable
        ringinuse = no
        musicclass = default

        """
        for queue in queues { text += "\n[\(queue)](layan-standard)\n" }
        return text
    }

    /// `features.conf`: an attended transfer nobody answers rings back the operator (rule 3).
    public static func featuresConf(standard: TelephoneStandard) -> String {
        """
        ; features.conf settings written by Layan — PKPA 1/2008 telephone rule 3: an unanswered transfer comes back
        [general]
        atxferdropcall = no
        atxfernoanswertimeout = 15
        atxferloopdelay = 10
        atxfercallbackretries = 2
        transferdigittimeout = 3

        """
    }

    /// The prompts the generated queues play, with what to record in each language.
    public struct Prompt: Sendable, Equatable, Codable { public let file: String, ms: String, en: String }
    public static let prompts: [Prompt] = [
        Prompt(file: "queue-thankyou", ms: "Terima kasih kerana menunggu.", en: "Thank you for your patience."),
        Prompt(file: "queue-youarenext", ms: "Anda pemanggil seterusnya.", en: "Your call is now first in line."),
        Prompt(file: "queue-thereare", ms: "Anda pemanggil ke-", en: "You are caller number"),
        Prompt(file: "queue-callswaiting", ms: "dalam giliran.", en: "waiting to be answered."),
        Prompt(file: "queue-holdtime", ms: "Anggaran masa menunggu ialah", en: "The estimated hold time is"),
        Prompt(file: "queue-minutes", ms: "minit", en: "minutes"),
        Prompt(file: "queue-seconds", ms: "saat", en: "seconds"),
        Prompt(file: "layan/periodic-ms", ms: "Semua pegawai kami sedang melayan pemanggil lain. Sila kekal dalam talian; panggilan anda akan dijawab mengikut giliran.", en: ""),
        Prompt(file: "layan/periodic-en", ms: "", en: "All our officers are serving other callers. Please stay on the line; your call will be answered in turn."),
    ]

    /// Every PKPA rule the agency's `queues.conf` (and `features.conf`, when given) breaks.
    public static func check(queues queuesText: String?, features featuresText: String?, standard: TelephoneStandard) -> [PBXFinding] {
        var findings: [PBXFinding] = []
        if let queuesText {
            let config = AsteriskConfig(queuesText)
            if config.queues.isEmpty {
                findings.append(PBXFinding(file: .queues, section: "", line: 1, rule: 1, problemKey: "telephone.check.noQueues", found: nil,
                                           fix: "[operator]\nservicelevel = \(standard.answerWithinSeconds)"))
            }
            for queue in config.queues { findings += check(queue: queue, standard: standard) }
        }
        if let featuresText {
            let general = AsteriskConfig(featuresText).section("general")
            let line = general?.line ?? 1
            // PKPA 1/2008, telephone rule 3: a transfer the extension does not answer comes back to the operator.
            if let drop = general?.value("atxferdropcall"), isTrue(drop.value) {
                findings.append(PBXFinding(file: .features, section: "general", line: drop.line, rule: 3, problemKey: "telephone.check.dropCall",
                                           found: "atxferdropcall = \(drop.value)", fix: "atxferdropcall = no"))
            }
            if let retries = general?.value("atxfercallbackretries"), (Int(retries.value) ?? 0) < 1 {
                findings.append(PBXFinding(file: .features, section: "general", line: retries.line, rule: 3, problemKey: "telephone.check.callbackRetries",
                                           found: "atxfercallbackretries = \(retries.value)", fix: "atxfercallbackretries = 2"))
            }
            if let timeout = general?.value("atxfernoanswertimeout"), (Int(timeout.value) ?? 0) > 30 || (Int(timeout.value) ?? 0) < 1 {
                findings.append(PBXFinding(file: .features, section: "general", line: timeout.line, rule: 3, problemKey: "telephone.check.noAnswerTimeout",
                                           found: "atxfernoanswertimeout = \(timeout.value)", fix: "atxfernoanswertimeout = 15"))
            }
            if general == nil {
                findings.append(PBXFinding(file: .features, section: "general", line: line, rule: 3, problemKey: "telephone.check.noGeneral", found: nil,
                                           fix: featuresConf(standard: standard).split(separator: "\n").dropFirst().joined(separator: "\n")))
            }
        }
        return findings
    }

    private static func check(queue: AsteriskConfig.Section, standard: TelephoneStandard) -> [PBXFinding] {
        var findings: [PBXFinding] = []
        func add(_ setting: AsteriskConfig.Setting?, rule: Int, key: String, fix: String) {
            findings.append(PBXFinding(file: .queues, section: queue.name, line: setting?.line ?? queue.line, rule: rule, problemKey: key,
                                       found: setting.map { "\($0.key) = \($0.value)" }, fix: fix))
        }
        let within = standard.answerWithinSeconds, every = standard.announceEverySeconds
        // PKPA 1/2008, telephone rule 1: the PBX measures its service level at 10 s (Asterisk's default is 0: not measured).
        let level = queue.value("servicelevel")
        if Int(level?.value ?? "") != within { add(level, rule: 1, key: "telephone.check.serviceLevel", fix: "servicelevel = \(within)") }
        // Rule 1: ringing one member at a time, a member's ring time must not keep the caller past the standard.
        let strategy = queue.value("strategy")?.value.lowercased() ?? "ringall"
        let timeout = queue.value("timeout")
        if oneAtATime.contains(strategy), (Int(timeout?.value ?? "15") ?? 15) > within {
            add(timeout, rule: 1, key: "telephone.check.ringTimeout", fix: "timeout = \(within)")
        }
        // PKPA 1/2008, telephone rule 4: callers waiting are told their status every 20 s.
        let frequency = queue.value("announce-frequency")
        let seconds = Int(frequency?.value ?? "0") ?? 0
        if seconds <= 0 || seconds > every { add(frequency, rule: 4, key: "telephone.check.announceFrequency", fix: "announce-frequency = \(every)") }
        let minimum = queue.value("min-announce-frequency")
        if (Int(minimum?.value ?? "15") ?? 15) > every { add(minimum, rule: 4, key: "telephone.check.minAnnounce", fix: "min-announce-frequency = \(every)") }
        let position = queue.value("announce-position")
        let holdtime = queue.value("announce-holdtime")
        let tellsPosition = position.map { ["yes", "more", "limit"].contains($0.value.lowercased()) } ?? false
        let tellsHoldtime = holdtime.map { ["yes", "once"].contains($0.value.lowercased()) } ?? false
        if !tellsPosition && !tellsHoldtime {
            add(position ?? holdtime, rule: 4, key: "telephone.check.announceStatus", fix: "announce-position = yes\nannounce-holdtime = yes")
        }
        return findings
    }

    private static func isTrue(_ value: String) -> Bool { ["yes", "true", "y", "t", "1", "on"].contains(value.lowercased()) }
}
