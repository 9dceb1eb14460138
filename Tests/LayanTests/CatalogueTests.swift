import Foundation
import Testing
@testable import Layan
@testable import LayanCore

@Suite struct CatalogueTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func catalogue() throws -> Catalogue {
        try Catalogue.load(from: root.appendingPathComponent("Resources/Localization").path)
    }

    @Test func bothLanguagesHaveTheSameKeys() throws {
        let catalogue = try Self.catalogue()
        let ms = Set(catalogue.entries[.ms]!.keys), en = Set(catalogue.entries[.en]!.keys)
        #expect(ms.subtracting(en).sorted() == [], "missing from en.json")
        #expect(en.subtracting(ms).sorted() == [], "missing from ms.json")
        #expect(catalogue.entries[.ms]!.values.allSatisfy { !$0.isEmpty })
        #expect(catalogue.entries[.en]!.values.allSatisfy { !$0.isEmpty })
    }

    /// Every `#t("…")` in a template and every literal `t("…")` key in Swift must exist in the catalogue.
    @Test func everyKeyUsedExists() throws {
        let catalogue = try Self.catalogue()
        let known = Set(catalogue.entries[.ms]!.keys)
        var used: Set<String> = []
        let pattern = try NSRegularExpression(pattern: #"\bt\("([A-Za-z0-9_]+\.[A-Za-z0-9_.]+)"[,)]"#)
        for folder in ["Resources/Views", "Sources/Layan"] {
            let enumerator = FileManager.default.enumerator(at: Self.root.appendingPathComponent(folder), includingPropertiesForKeys: nil)!
            for case let url as URL in enumerator where ["leaf", "swift"].contains(url.pathExtension) {
                let text = try String(contentsOf: url, encoding: .utf8)
                for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                    used.insert(String(text[Range(match.range(at: 1), in: text)!]))
                }
            }
        }
        #expect(!used.isEmpty)
        #expect(used.subtracting(known).sorted() == [])
    }

    @Test func rolesAndGroupsHaveNames() throws {
        let catalogue = try Self.catalogue()
        for role in StaffRole.allCases { #expect(catalogue.entries[.en]![role.catalogueKey] != nil) }
        for group in ServiceGroup.allCases { #expect(catalogue.entries[.ms]![group.catalogueKey] != nil) }
        for problem in [PasswordPolicy.Problem.tooShort, .tooLong] { #expect(catalogue.entries[.ms]![problem.rawValue] != nil) }
    }

    @Test func errorMessagesAreInBothCatalogues() throws {
        let catalogue = try Self.catalogue()
        let queueErrors: [QueueError] = [.unknownBranch, .unknownService, .unknownCounter, .unknownTicket, .counterNotOpen, .notYourCounter,
                                         .counterBusy("A001"), .invalidStep(from: "done"), .sameService, .tooFewRecalls(needed: 2),
                                         .recallLimit(2), .invalidCategory]
        let errors: [any CatalogueError] = [CSRFFailure()] + queueErrors
        for error in errors {
            for language in Language.allCases {
                let text = catalogue.text(error.catalogueKey, language, error.catalogueValues)
                #expect(text != error.catalogueKey && !text.contains("{"), "\(error.catalogueKey) \(language)")
            }
        }
    }

    @Test func placeholdersAreFilled() {
        let catalogue = Catalogue(entries: [.ms: ["k": "Nombor {n}"], .en: ["k": "Number {n}"]])
        #expect(catalogue.text("k", .en, ["n": "A012"]) == "Number A012")
        #expect(catalogue.bilingual("k") == "Nombor {n} / Number {n}")
        #expect(catalogue.text("missing", .en) == "missing")
    }

    @Test func placeholdersAreFilledInOnePassAndUnknownOnesStay() {
        let fill = Catalogue.fill
        #expect(fill("{a} dan {b}, {a}", ["a": "1", "b": "2"]) == "1 dan 2, 1")
        // A value is never searched again: customer text that looks like a placeholder stays as typed.
        #expect(fill("Perkara: {subject} ({ref})", ["subject": "{ref}", "ref": "ADU-2026-000001"]) == "Perkara: {ref} (ADU-2026-000001)")
        #expect(fill("{unknown} { {a} {a", ["a": "x"]) == "{unknown} { x {a")
        #expect(fill("tiada", ["a": "x"]) == "tiada")
        #expect(fill("Salam {name}, é🙂 — {x", ["name": "Siti"]) == "Salam Siti, é🙂 — {x")
        #expect(fill("{a}{a}", ["a": "ß🙂"]) == "ß🙂ß🙂")
    }
}
