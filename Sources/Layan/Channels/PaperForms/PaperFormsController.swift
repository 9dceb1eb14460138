import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit
import Vapor

/// Paper complaint and feedback forms (PKPA 1/2008 §4d(1), (3), (4); issue #17, item 4): a printable bilingual form
/// per branch on A4 or A5, each with its own serial and a QR code that opens the same form online, and the entry
/// screen for the officer who empties the feedback box each day — one form after another from the keyboard, with a
/// serial already entered refused and linked to its case.
struct PaperFormsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let officer = routes.access(.staff(.handleCases))
        officer.get(.channels(.paperForms), use: index)
        officer.post(.channels(.paperForms), use: print)
        officer.get(.channels(.paperFormBatch(":id")), use: sheets)
        officer.get(.channels(.paperFormEntry), use: entry)
        officer.post(.channels(.paperFormEntry), use: enter)
    }

    static let maximumCopies = 500

    // MARK: printing

    struct BatchRow: Encodable, Sendable { let href: String; let branch: String; let first: String; let last: String; let size: String; let printed: String }
    struct IndexPage: Encodable, Sendable {
        let layout: LayoutContext; let form: FormContext; let branches: [Choice]; let sizes: [Choice]; let batches: [BatchRow]
        let action: String; let entryHref: String; let maximumCopies: Int
    }

    static let printForm = FormFields(("branch", "case.field.branch"), ("size", "paperForm.size"), ("copies", "paperForm.copies"))

    func index(req: Request) async throws -> View {
        try await req.view.render("Channels/paperForms", try await indexPage(req, form: try await req.form(values: ["size": "a4", "copies": "50"])))
    }

    private func indexPage(_ req: Request, form: FormContext) async throws -> IndexPage {
        let branches = try await Branch.query(on: req.db).sort(\.$code).all()
        let names = Dictionary(uniqueKeysWithValues: branches.map { ($0.id!, $0) })
        let batches = try await PaperFormBatch.query(on: req.db).sort(\.$printedAt, .descending).limit(20).all()
        let chosen = form.values["branch"] ?? req.staff?.branchID?.uuidString
        return IndexPage(
            layout: await LayoutContext.make(for: req, title: req.t("paperForm.title")), form: form,
            branches: branches.map { Choice(value: $0.id!.uuidString, label: "\($0.code) — \($0.name)", selected: chosen == $0.id!.uuidString) },
            sizes: PaperFormBatch.Size.allCases.map { Choice(value: $0.rawValue, label: $0.rawValue.uppercased(), selected: form.values["size"] == $0.rawValue) },
            batches: batches.map { batch in
                let code = names[batch.$branch.id]?.code ?? "?"
                return BatchRow(href: SiteURL.channels(.paperFormBatch(batch.id!.uuidString)).path, branch: names[batch.$branch.id]?.name ?? "",
                                first: PaperFormSerial(branchCode: code, number: batch.firstNumber).description,
                                last: PaperFormSerial(branchCode: code, number: batch.firstNumber + batch.count - 1).description,
                                size: batch.size.rawValue.uppercased(), printed: MalaysianTime.dateTime(batch.printedAt, in: req.language))
            },
            action: SiteURL.channels(.paperForms).path, entryHref: SiteURL.channels(.paperFormEntry).path, maximumCopies: Self.maximumCopies)
    }

    /// Reserves the next serials of the branch and opens their printable sheets.
    func print(req: Request) async throws -> Response {
        var check = FormValidator(req)
        let branchID = check.uuid("branch", required: true)
        let size = check.choice("size", as: PaperFormBatch.Size.self)
        let copies = Int(check.fields["copies"] ?? "")
        if copies == nil || !(1...Self.maximumCopies).contains(copies!) { check.fail("copies", "paperForm.error.copies", ["max": String(Self.maximumCopies)]) }
        let branch = try await branchID.asyncFlatMap { try await Branch.find($0, on: req.db) }
        if branchID != nil && branch == nil { check.fail("branch", "form.error.choose") }
        guard check.isValid, let branch, let size, let copies else {
            return try await req.render("Channels/paperForms", try await indexPage(req, form: try await req.form(values: check.fields, errors: check.errors,
                                                                                                                 fields: Self.printForm)),
                                        status: .unprocessableEntity)
        }
        let now = req.application.clock.now()
        // Two batches printed at once for one branch: the unique key lets one take the numbers; the other takes the next.
        for attempt in 1...3 {
            do {
                let batch = try await req.db.writeTransaction { db in
                    let last = try await PaperFormBatch.query(on: db).filter(\.$branch.$id == branch.id!).sort(\.$firstNumber, .descending).first()
                    let batch = PaperFormBatch(branchID: branch.id!, firstNumber: last.map { $0.firstNumber + $0.count } ?? 1, count: copies, size: size,
                                               at: now, by: req.staff?.name)
                    try await batch.create(on: db)
                    return batch
                }
                return req.seeOther(.channels(.paperFormBatch(batch.id!.uuidString)))
            } catch where attempt < 3 {
                continue
            }
        }
        throw Abort(.serviceUnavailable, reason: req.t("paperForm.error.busy"))
    }

    struct Sheet: Encodable, Sendable { let serial: String; let qr: String; let onlineHref: String }
    /// A printed label in both languages at once: the form serves every customer whatever the officer's language.
    struct Bilingual: Encodable, Sendable { let ms: String; let en: String }
    struct SheetsPage: Encodable, Sendable {
        let layout: LayoutContext; let size: String; let branchName: String; let branchAddress: String; let branchPhone: String
        let sheets: [Sheet]; let types: [Choice]; let backHref: String; let labels: [String: Bilingual]
    }

    static let sheetLabels = ["title", "serial", "scan", "type", "content", "contact", "name", "phone", "email", "date", "foot"]

    /// The batch as pages to print: one form per page, in both languages, with its serial and QR code.
    func sheets(req: Request) async throws -> View {
        let batch = try await req.find(PaperFormBatch.self)
        let branch = try await batch.$branch.get(on: req.db)
        let base = req.application.settings.messaging.publicBaseURL
        let catalogue = req.application.catalogue
        let sheets = try batch.numbers.map { number in
            let serial = PaperFormSerial(branchCode: branch.code, number: number)
            let online = base + SiteURL.cases(.newPublic).path(["cawangan": branch.code, "borang": serial.description])
            // An image, not markup in the page: pages only ever print escaped text (design.md).
            let svg = try QRCode(text: online, errorCorrection: .medium).svg(moduleSize: 3, title: serial.description)
            return Sheet(serial: serial.description, qr: "data:image/svg+xml;base64," + Data(svg.utf8).base64EncodedString(), onlineHref: online)
        }
        return try await req.view.render("Channels/paperFormSheets", SheetsPage(
            layout: await LayoutContext.make(for: req, title: req.t("paperForm.title")), size: batch.size.rawValue, branchName: branch.name,
            branchAddress: branch.address, branchPhone: branch.phone, sheets: sheets,
            types: CaseType.allCases.map { Choice(value: $0.rawValue, label: catalogue.bilingual($0.catalogueKey), selected: false) },
            backHref: SiteURL.channels(.paperForms).path,
            labels: Dictionary(uniqueKeysWithValues: Self.sheetLabels.map {
                ($0, Bilingual(ms: catalogue.text("paperForm.sheet.\($0)", .ms), en: catalogue.text("paperForm.sheet.\($0)", .en)))
            })))
    }

    // MARK: entering a stack

    struct EnteredRow: Encodable, Sendable { let serial: String; let reference: String; let href: String; let channel: String; let entered: String }
    struct EntryPage: Encodable, Sendable {
        let layout: LayoutContext; let form: FormContext; let branches: [Choice]; let channels: [Choice]; let types: [Choice]
        let entered: [EnteredRow]; let action: String; let printHref: String; let duplicateHref: String?
    }

    static let entryForm = FormFields(
        ("branch", "case.field.branch"), ("channel", "case.field.channel"), ("droppedOn", "paperForm.droppedOn"), ("serial", "paperForm.serial"),
        ("type", "case.field.type"), ("details", "paperForm.content"), ("name", "case.field.name"), ("phone", "case.field.phone"),
        ("email", "case.field.email"))

    func entry(req: Request) async throws -> View {
        // The stack's branch, channel and day stay from one form to the next; the form's own fields start empty.
        var values = ["channel": CaseChannel.feedbackBox.rawValue, "droppedOn": LocalDate(req.application.clock.now()).iso, "type": "complaint"]
        for key in ["branch", "channel", "droppedOn"] { if let kept = req.query[String.self, at: key] { values[key] = kept } }
        return try await req.view.render("Channels/paperFormEntry", try await entryPage(req, form: try await req.form(values: values), duplicate: nil))
    }

    private func entryPage(_ req: Request, form: FormContext, duplicate: UUID?) async throws -> EntryPage {
        let branches = try await Branch.query(on: req.db).sort(\.$code).all()
        let chosen = form.values["branch"] ?? req.staff?.branchID?.uuidString
        let today = LocalDate(req.application.clock.now())
        // What this officer entered today, newest first: the stack so far.
        let mine = try await PaperFormEntry.query(on: req.db).filter(\.$enteredBy == req.staff?.name ?? "")
            .filter(\.$enteredAt >= today.startInstant).sort(\.$enteredAt, .descending).limit(50).all()
        let references = try await CaseRecord.query(on: req.db).filter(\.$id ~~ mine.map { $0.$caseRecord.id }).field(\.$id).field(\.$reference).all()
        let byID = Dictionary(uniqueKeysWithValues: references.map { ($0.id!, $0.reference) })
        return EntryPage(
            layout: await LayoutContext.make(for: req, title: req.t("paperForm.entryTitle")), form: form,
            branches: branches.map { Choice(value: $0.id!.uuidString, label: "\($0.code) — \($0.name)", selected: chosen == $0.id!.uuidString) },
            channels: [CaseChannel.feedbackBox, .counterForm].map { Choice(value: $0.rawValue, label: req.t($0.catalogueKey), selected: form.values["channel"] == $0.rawValue) },
            types: CaseType.allCases.map { Choice(value: $0.rawValue, label: req.t($0.catalogueKey), selected: form.values["type"] == $0.rawValue) },
            entered: mine.map { row in
                EnteredRow(serial: row.id ?? "", reference: byID[row.$caseRecord.id] ?? "", href: CaseURL.staff(row.$caseRecord.id),
                           channel: req.t(row.channel.catalogueKey), entered: MalaysianTime.time(row.enteredAt, in: req.language))
            },
            action: SiteURL.channels(.paperFormEntry).path, printHref: SiteURL.channels(.paperForms).path,
            duplicateHref: duplicate.map { CaseURL.staff($0) })
    }

    func enter(req: Request) async throws -> Response {
        var check = FormValidator(req)
        let branchID = check.uuid("branch", required: true)
        let channel = check.choice("channel", as: CaseChannel.self)
        if let channel, channel != .feedbackBox && channel != .counterForm { check.fail("channel", "form.error.choose") }
        let droppedOn = check.text("droppedOn", max: 10).flatMap { LocalDate($0) }
        let today = LocalDate(req.application.clock.now())
        if droppedOn == nil || droppedOn! > today { check.fail("droppedOn", "paperForm.error.droppedOn") }
        let type = check.choice("type", as: CaseType.self)
        let details = check.text("details", max: 5000)
        let name = check.text("name", max: 200, required: false), phone = check.text("phone", max: 40, required: false)
        let email = check.text("email", max: 254, required: false)
        let branch = try await branchID.asyncFlatMap { try await Branch.find($0, on: req.db) }
        var serial: PaperFormSerial?
        var duplicate: UUID?
        if let typed = check.text("serial", max: 30) {
            switch PaperFormSerial.parse(typed) {
            case let .failure(problem): check.fail("serial", problem.catalogueKey)
            case let .success(read):
                serial = read
                if let branch, read.branchCode != branch.code { check.fail("serial", "paperForm.error.otherBranch", ["branch": read.branchCode]) }
                if let existing = try await PaperFormEntry.find(read.description, on: req.db) {
                    duplicate = existing.$caseRecord.id
                    check.fail("serial", "paperForm.error.duplicate")
                } else if let branch, try await !Self.wasPrinted(read, branch: branch, on: req.db) {
                    check.fail("serial", "paperForm.error.notPrinted")
                }
            }
        }
        let anonymous = (name ?? "").isEmpty && (phone ?? "").isEmpty && (email ?? "").isEmpty
        guard check.isValid, let branch, let channel, let droppedOn, let type, let details, let serial else {
            return try await req.render("Channels/paperFormEntry", try await entryPage(req, form: try await req.form(values: check.fields, errors: check.errors,
                                                                                                                   fields: Self.entryForm), duplicate: duplicate),
                                        status: .unprocessableEntity)
        }
        var new = NewCase(type: type, channel: channel, subject: String(details.split(separator: "\n").first.map(String.init)?.prefix(80) ?? "").nilIfEmpty ?? serial.description,
                          details: details, anonymous: anonymous, name: anonymous ? nil : (name ?? phone ?? email), email: email, phone: phone,
                          contactBy: (email ?? "").isEmpty ? .sms : .email, branchID: try branch.requireID())
        new.channelRows = PaperFormEntry.rows(serial: serial, channel: channel, droppedOn: droppedOn, text: details, at: req.application.clock.now(), by: req.staff?.name)
        let filed: FiledCase
        do {
            filed = try await CaseEngine(request: req).file(new, by: req.caseActor)
        } catch let invalid as CaseInvalid {
            return try await req.render("Channels/paperFormEntry", try await entryPage(req, form: try await req.form(
                values: check.fields, errors: invalid.messages(req), fields: Self.entryForm), duplicate: nil), status: .unprocessableEntity)
        } catch {
            // Two officers typing the same form at once: the serial's key let one in.
            if let existing = try await PaperFormEntry.find(serial.description, on: req.db) {
                return try await req.render("Channels/paperFormEntry", try await entryPage(req, form: try await req.form(
                    values: check.fields, errors: ["serial": req.t("paperForm.error.duplicate")], fields: Self.entryForm),
                    duplicate: existing.$caseRecord.id), status: .unprocessableEntity)
            }
            throw error
        }
        try await req.flash("success", req.t("paperForm.entered", ["serial": serial.description, "reference": filed.reference]))
        return req.seeOther(SiteURL.channels(.paperFormEntry).path(["branch": branch.id!.uuidString, "channel": channel.rawValue, "droppedOn": droppedOn.iso]))
    }

    /// The serial of a form filed online through its QR code, when it is one of the branch's printed forms not yet
    /// entered; anything else is ignored (the online form works without it).
    static func unusedSerial(_ text: String?, branch: Branch, on db: any Database) async throws -> PaperFormSerial? {
        guard let text, !text.isEmpty, case let .success(serial) = PaperFormSerial.parse(text), serial.branchCode == branch.code,
              try await PaperFormEntry.find(serial.description, on: db) == nil, try await wasPrinted(serial, branch: branch, on: db) else { return nil }
        return serial
    }

    /// Whether the serial is in a batch printed for the branch: a number never printed is a typing slip.
    static func wasPrinted(_ serial: PaperFormSerial, branch: Branch, on db: any Database) async throws -> Bool {
        try await PaperFormBatch.query(on: db).filter(\.$branch.$id == branch.id!).filter(\.$firstNumber <= serial.number).all()
            .contains { $0.numbers.contains(serial.number) }
    }
}
