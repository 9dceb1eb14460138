import Foundation
import Vapor

extension CharterDeskController.Choice {
    /// How a branch is named in a form's value: its id (records) or its code (filters in links).
    enum BranchKey { case id, code }

    /// "The whole agency", then every branch as "KBR — Kota Bharu": the choice every filter and form offers.
    static func branches(_ branches: [Branch], key: BranchKey, selected: String?, _ req: Request) -> [Self] {
        [Self(value: "", label: req.t("charter.desk.agency"), selected: (selected ?? "").isEmpty)]
            + branches.map { branch in
                let value = key == .id ? branch.id!.uuidString : branch.code
                return Self(value: value, label: "\(branch.code) — \(branch.name)", selected: value == selected)
            }
    }
}
