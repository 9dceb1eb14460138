import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit
import Vapor

/// Open311 GeoReport v2 over Layan's cases: the published services, a request filed as a case with channel
/// `open311`, and requests read back in the spec's shape. The controller only picks the format.
struct Open311Desk {
    let db: any Database
    let app: Application
    let language: Language

    init(request: Request) { (db, app, language) = (request.db, request.application, request.language) }
    init(db: any Database, app: Application, language: Language = .ms) { (self.db, self.app, self.language) = (db, app, language) }

    // MARK: services

    func publishedServices() async throws -> [Open311ServiceRecord] {
        try await Open311ServiceRecord.query(on: db).filter(\.$published == true).sort(\.$position).sort(\.$code).all()
    }

    func publishedService(code: String) async throws -> Open311ServiceRecord? {
        guard code.count <= 64 else { return nil }
        return try await Open311ServiceRecord.query(on: db).filter(\.$code == code).filter(\.$published == true).first()
    }

    func servicesDocument() async throws -> Open311Value {
        .list(element: "service", try await publishedServices().map { service in
            .object([
                ("service_code", .text(service.code)), ("service_name", .text(service.name(in: language))),
                ("description", .text(service.description(in: language))), ("metadata", .bool(!service.attributes.isEmpty)),
                ("type", .text("realtime")), ("keywords", .text(service.keywords)), ("group", .text(service.group)),
            ])
        })
    }

    func definitionDocument(_ service: Open311ServiceRecord) -> Open311Value {
        .object([("service_code", .text(service.code)),
                 ("attributes", .list(element: "attribute", service.attributes.sorted { $0.order < $1.order }.map(\.document)))])
    }

    /// The discovery document: where this endpoint is, who to ask for a key, which formats it speaks.
    func discoveryDocument(changeset: Date) async -> Open311Value {
        let agency = await app.agencyProfile.current(on: db)
        let settings = app.settings
        let url = settings.messaging.publicBaseURL + SiteURL.open311(.root).path
        let stamp = W3CDateTime.format(changeset)
        return .object([
            ("changeset", .text(stamp)),
            ("contact", .text(app.catalogue.text("open311.discovery.contact", language, ["agency": agency.name(in: language)]))),
            ("key_service", .text(app.catalogue.text("open311.discovery.keys", language, ["url": settings.messaging.publicBaseURL + SiteURL.directory.path]))),
            ("endpoints", .list(element: "endpoint", [.object([
                ("specification", .text("http://wiki.open311.org/GeoReport_v2")), ("url", .text(url)), ("changeset", .text(stamp)),
                ("type", .text("production")),
                ("formats", .list(element: "format", Open311Format.allCases.reversed().map { .text($0.mimeType) })),
            ])])),
        ])
    }

    /// When the services last changed: what a client compares to know its copy is stale.
    func changeset() async throws -> Date {
        try await Open311ServiceRecord.query(on: db).sort(\.$updatedAt, .descending).first()?.updatedAt ?? Date(timeIntervalSince1970: 1_767_225_600)
    }

    // MARK: filing

    /// Files a posted request as a case, or answers the spec's error. The client was already checked (`api_key`).
    func file(_ submission: Open311Submission, client: String) async throws -> Open311Value {
        if let jurisdiction = submission.jurisdictionID, jurisdiction != app.settings.open311Jurisdiction {
            throw Open311Error(404, "jurisdiction_id \(jurisdiction) not found")
        }
        guard let code = submission.serviceCode else { throw Open311Error(400, "service_code is required") }
        guard let service = try await publishedService(code: code) else { throw Open311Error(400, "service_code \(code) is not a published service") }
        let location = try submission.location().get()
        let answers = try Open311Answers.check(submission.attributes, against: service.attributes).get()
        var problems: [String] = []
        if let text = submission.description, text.count > Open311Submission.descriptionLimit { problems.append("description may be at most 4000 characters") }
        if let email = submission.email, EmailAddress.normalised(email) == nil { problems.append("email is not an e-mail address") }
        if let phone = submission.phone, !FormValidator.isPhone(phone, minimumDigits: 7) { problems.append("phone is not a telephone number") }
        if let media = submission.mediaURL, !Self.isWebAddress(media) { problems.append("media_url must be an http or https URL") }
        for (name, value) in [("first_name", submission.firstName), ("last_name", submission.lastName), ("device_id", submission.deviceID),
                              ("account_id", submission.accountID)] where (value?.count ?? 0) > 100 {
            problems.append("\(name) is too long")
        }
        guard problems.isEmpty else { throw Open311Error(400, all: problems) }

        let name = [submission.firstName, submission.lastName].compactMap { $0 }.joined(separator: " ").nilIfEmpty
        // A customer we cannot reach is filed anonymously (PKPA: anonymous reports are still read and acted on).
        let reachable = submission.email != nil || submission.phone != nil
        let serviceName = service.name(in: .ms)
        let place = location.address ?? location.addressID ?? location.latitude.map { "\($0), \(location.longitude!)" } ?? ""
        let subject = String((serviceName + (place.isEmpty ? "" : " — " + place)).prefix(200))
        let now = app.clock.now()
        let row = Open311RequestRecord.New(serviceCode: service.code, token: UUID().uuidString.lowercased(), location: location,
                                           mediaURL: submission.mediaURL, deviceID: submission.deviceID, accountID: submission.accountID,
                                           answers: answers, at: now)
        var new = NewCase(type: service.type, channel: .open311, categoryID: service.$category.id, subject: subject,
                          details: submission.description ?? serviceName, anonymous: !reachable, name: reachable ? name ?? submission.email ?? submission.phone : nil,
                          email: reachable ? submission.email : nil, phone: reachable ? submission.phone : nil,
                          language: language, contactBy: submission.email == nil && submission.phone != nil ? .sms : .email,
                          branchID: service.$branch.id, service: serviceName)
        let intake = IntakeEntry.New(at: now, channel: .open311, provider: "open311: " + client, sender: submission.deviceID ?? submission.accountID,
                                     summary: subject, outcome: .filed)
        new.channelRows = { caseID, rows in
            rows.add(row.forCase(caseID), as: Open311RequestRecord.shape)
            rows.add(intake.forCase(caseID), as: IntakeEntry.shape)
        }
        let checked: CaseEngine.Checked
        switch CaseEngine.check(new) {
        case let .success(ok): checked = ok
        case let .failure(invalid): throw Open311Error(400, all: invalid.problems.keys.sorted().map { "\($0): \(app.catalogue.text(invalid.problems[$0]!, .en))" })
        }
        let filed = try await CaseEngine(db: db, app: app).file(checked, by: .system)
        return .list(element: "request", [.object([
            ("service_request_id", .text(filed.reference)), ("token", .text(row.token)),
            ("service_notice", .text(notice(filed.standard))), ("account_id", .optional(submission.accountID)),
        ])])
    }

    static func isWebAddress(_ text: String) -> Bool {
        guard text.count <= 2000, let url = URL(string: text), let scheme = url.scheme?.lowercased(), url.host?.isEmpty == false else { return false }
        return scheme == "http" || scheme == "https"
    }

    /// PKPA 1/2008: the customer is told the service standard that applies (the Client Charter's promise).
    func notice(_ standard: ServiceStandard) -> String {
        app.catalogue.text("open311.notice", language, ["acknowledge": String(standard.acknowledgeWorkingDays),
                                                         "resolve": String(standard.resolveWorkingDays)])
    }

    // MARK: reading

    /// The requests a query selects, newest first, at most 1,000 (GeoReport v2 `GET requests`).
    func requestsDocument(_ query: Open311RequestQuery) async throws -> Open311Value {
        let (rows, names) = try await requests(query)
        return .list(element: "request", rows.map { document($0, names) })
    }

    func requestDocument(reference: String) async throws -> Open311Value? {
        guard reference.count <= 40 else { return nil }
        let (rows, names) = try await requests(Open311RequestQuery(ids: [reference], start: .distantPast, end: .distantFuture))
        return rows.isEmpty ? nil : .list(element: "request", rows.map { document($0, names) })
    }

    func tokenDocument(_ token: String) async throws -> Open311Value? {
        guard token.count <= 64 else { return nil }
        struct Row: Decodable { let reference: String; let token: String }
        let rows = try await db.sql.raw("""
            SELECT c.reference, r.token FROM \(unsafeRaw: Open311RequestRecord.schema) r JOIN \(unsafeRaw: CaseRecord.schema) c ON c.id = r.case_id
            WHERE r.token = \(bind: token.lowercased())
            """).all(decoding: Row.self)
        guard let row = rows.first else { return nil }
        return .list(element: "request", [.object([("service_request_id", .text(row.reference)), ("token", .text(row.token))])])
    }

    struct RequestRow: Decodable {
        let id: UUID
        let reference: String
        let status: CaseStatus
        let description: String
        let received_at: Date
        let updated_at: Date
        let resolve_due: String
        let branch_id: UUID
        let service_code: String
        let lat: Double?
        let long: Double?
        let address: String?
        let address_id: String?
        let media_url: String?
        var statusNotes: String?
    }

    /// What the rows name by id, read once per answer.
    struct Names {
        var services: [String: Open311ServiceRecord] = [:]
        var branches: [UUID: String] = [:]
        var agency = ""
    }

    private func requests(_ query: Open311RequestQuery) async throws -> ([RequestRow], Names) {
        let sql = db.sql
        var select = SQLQueryString("""
            SELECT c.id, c.reference, c.status, c.description, c.received_at, c.updated_at, c.resolve_due, c.branch_id,
                   r.service_code, r.lat, r.long, r.address, r.address_id, r.media_url
            FROM \(unsafeRaw: Open311RequestRecord.schema) r JOIN \(unsafeRaw: CaseRecord.schema) c ON c.id = r.case_id
            """)
        if let ids = query.ids {
            select.appendLiteral(" WHERE c.reference IN (")
            select.appendInterpolation(binds: ids.map { $0.uppercased() })
            select.appendLiteral(")")
        } else {
            select.appendLiteral(" WHERE r.requested_at >= ")
            select.appendInterpolation(bind: query.start)
            select.appendLiteral(" AND r.requested_at <= ")
            select.appendInterpolation(bind: query.end)
            if let codes = query.serviceCodes {
                select.appendLiteral(" AND r.service_code IN (")
                select.appendInterpolation(binds: codes)
                select.appendLiteral(")")
            }
            if let statuses = query.statuses, Set(statuses).count == 1 {
                let finished = CaseStatus.allCases.filter(\.isFinished).map(\.rawValue)
                select.appendLiteral(statuses[0] == .open ? " AND c.status NOT IN (" : " AND c.status IN (")
                select.appendInterpolation(binds: finished)
                select.appendLiteral(")")
            }
        }
        select.appendLiteral(" ORDER BY r.requested_at DESC LIMIT \(Open311RequestQuery.maximumRequests)")
        var rows = try await sql.raw(select).all(decoding: RequestRow.self)
        guard !rows.isEmpty else { return ([], Names()) }
        // status_notes: the latest note the customer could read (a public reply, or a public note on a change).
        struct Note: Decodable { let case_id: UUID; let body: String }
        let notes = try await sql.raw("""
            SELECT case_id, body FROM \(unsafeRaw: CaseEvent.schema)
            WHERE case_id IN (\(binds: rows.map(\.id))) AND public = \(bind: true) AND body IS NOT NULL
              AND kind IN (\(binds: [CaseEvent.Kind.publicReply.rawValue, CaseEvent.Kind.transition.rawValue]))
            ORDER BY at DESC
            """).all(decoding: Note.self)
        var latest: [UUID: String] = [:]
        for note in notes where latest[note.case_id] == nil { latest[note.case_id] = note.body }
        for index in rows.indices { rows[index].statusNotes = latest[rows[index].id] }
        var names = Names()
        names.services = Dictionary(uniqueKeysWithValues: try await Open311ServiceRecord.query(on: db).all().map { ($0.code, $0) })
        names.branches = Dictionary(uniqueKeysWithValues: try await Branch.query(on: db).all().map { ($0.id!, $0.name) })
        names.agency = await app.agencyProfile.current(on: db).name(in: language)
        return (rows, names)
    }

    private func document(_ row: RequestRow, _ names: Names) -> Open311Value {
        let service = names.services[row.service_code]
        let responsible = [names.agency, names.branches[row.branch_id]].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
        return .object([
            ("service_request_id", .text(row.reference)),
            ("status", .text(row.status.isFinished ? "closed" : "open")),
            ("status_notes", .optional(row.statusNotes)),
            ("service_name", .optional(service?.name(in: language))),
            ("service_code", .text(row.service_code)),
            ("description", .text(String(row.description.prefix(Open311Submission.descriptionLimit)))),
            ("agency_responsible", .text(responsible)),
            ("service_notice", .null),
            ("requested_datetime", .text(W3CDateTime.format(row.received_at))),
            ("updated_datetime", .text(W3CDateTime.format(row.updated_at))),
            // The resolve-due day, at the close of office hours: when the Client Charter promises an answer.
            ("expected_datetime", row.status.isFinished ? .null : .text(row.resolve_due + "T17:00:00+08:00")),
            ("address", .optional(row.address)),
            ("address_id", .optional(row.address_id)),
            ("zipcode", .null),
            ("lat", row.lat.map(Open311Value.number) ?? .null),
            ("long", row.long.map(Open311Value.number) ?? .null),
            ("media_url", .optional(row.media_url)),
        ])
    }
}
