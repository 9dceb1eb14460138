import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import Layan
@testable import LayanCore

/// A published street-light service with two attributes, an unpublished one, and an Open311 api_key.
struct Open311Fixture {
    let cases: CaseFixture
    let service: Open311ServiceRecord
    let key: String

    static func make(_ app: Application) async throws -> Open311Fixture {
        let cases = try await CaseFixture.make(app)
        let category = try await CaseCategory.query(on: app.db).filter(\.$code == "lack_of_amenities").first()
        let service = Open311ServiceRecord()
        service.code = "LAMPU"; service.type = .complaint; service.$category.id = category?.id; service.$branch.id = cases.branch.id!
        service.nameMs = "Lampu jalan rosak"; service.nameEn = "Street light out"; service.descriptionMs = "Lampu jalan padam atau berkelip"
        service.descriptionEn = "A street light is off or flickering"; service.group = "Jalan"; service.keywords = "lampu, jalan"
        service.published = true; service.position = 1; service.updatedAt = app.clock.now()
        service.attributes = try Open311AttributeLines.parse("""
            jenis | singlevaluelist | required | Jenis lampu | led=LED; natrium=Natrium
            tiang | number | optional | Nombor pada tiang
            """).get()
        try await service.create(on: app.db)
        let hidden = Open311ServiceRecord()
        hidden.code = "RAHSIA"; hidden.type = .complaint; hidden.$branch.id = cases.branch.id!; hidden.nameMs = "Tersembunyi"; hidden.nameEn = "Hidden"
        hidden.descriptionMs = ""; hidden.descriptionEn = ""; hidden.group = ""; hidden.keywords = ""; hidden.published = false; hidden.position = 2
        hidden.attributes = []; hidden.updatedAt = app.clock.now()
        try await hidden.create(on: app.db)
        let (token, secret) = APIToken.make(name: "Aplikasi Aduan Bandar", scopes: [.open311], createdBy: nil, at: app.clock.now())
        try await token.create(on: app.db)
        return Open311Fixture(cases: cases, service: service, key: secret)
    }

    func form(_ fields: [(String, String)]) -> ByteBuffer {
        ByteBuffer(string: fields.map { "\(TestBrowser.encode($0.0))=\(TestBrowser.encode($0.1))" }.joined(separator: "&"))
    }

    var formHeaders: HTTPHeaders { ["Content-Type": "application/x-www-form-urlencoded"] }

    func goodRequest(_ extra: [(String, String)] = []) -> [(String, String)] {
        [("api_key", key), ("service_code", "LAMPU"), ("lat", "3.0738"), ("long", "101.5183"), ("attribute[jenis]", "led"),
         ("description", "Lampu di hadapan rumah no. 7 padam sejak Isnin."), ("first_name", "Siti"), ("last_name", "Aminah"),
         ("email", "siti@example.my")] + extra
    }

    func post(_ app: Application, _ fields: [(String, String)], format: String = "json") async throws -> TestingHTTPResponse {
        try await app.testing().sendRequest(.POST, "/open311/v2/requests.\(format)", headers: formHeaders, body: form(fields))
    }

    static func json(_ response: TestingHTTPResponse) throws -> Any { try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) }
}

@Suite struct Open311Tests {
    @Test func servicesListOnlyThePublishedInBothFormats() async throws {
        try await withLayan { app in
            // given
            _ = try await Open311Fixture.make(app)
            // when
            let json = try await app.testing().sendRequest(.GET, "/open311/v2/services.json")
            let xml = try await app.testing().sendRequest(.GET, "/open311/v2/services.xml")
            // then
            #expect(json.headers.contentType?.subType == "json")
            let services = try #require(try Open311Fixture.json(json) as? [[String: Any]])
            #expect(services.map { $0["service_code"] as? String } == ["LAMPU"])
            #expect(services[0]["metadata"] as? Bool == true && services[0]["type"] as? String == "realtime")
            #expect(xml.headers.contentType?.subType == "xml")
            #expect(xml.body.string.hasPrefix("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<services><service><service_code>LAMPU</service_code>"))
            #expect(!xml.body.string.contains("RAHSIA"))
        }
    }

    @Test func aServiceDefinitionListsItsAttributesAndAnUnknownCodeIs404() async throws {
        try await withLayan { app in
            _ = try await Open311Fixture.make(app)
            // when
            let found = try await app.testing().sendRequest(.GET, "/open311/v2/services/LAMPU.json")
            let hidden = try await app.testing().sendRequest(.GET, "/open311/v2/services/RAHSIA.xml")
            // then
            let definition = try #require(try Open311Fixture.json(found) as? [String: Any])
            let attributes = try #require(definition["attributes"] as? [[String: Any]])
            #expect(attributes.map { $0["code"] as? String } == ["jenis", "tiang"])
            #expect(hidden.status == .notFound)
            #expect(hidden.body.string.hasSuffix("<errors><error><code>404</code><description>service_code RAHSIA not found</description></error></errors>"))
        }
    }

    @Test func aPostedRequestBecomesAnOpen311CaseAtTheServicesBranch() async throws {
        try await withLayan { app in
            let f = try await Open311Fixture.make(app)
            // when
            let response = try await f.post(app, f.goodRequest([("attribute[tiang]", "42"), ("media_url", "https://example.my/gambar.jpg")]))
            // then
            #expect(response.status == .ok)
            let answer = try #require(try Open311Fixture.json(response) as? [[String: Any]])
            let reference = try #require(answer.first?["service_request_id"] as? String)
            #expect((answer.first?["service_notice"] as? String)?.contains("hari bekerja") == true)
            let record = try #require(try await CaseRecord.query(on: app.db).filter(\.$reference == reference).first())
            #expect(record.channel == .open311)
            #expect(record.$branch.id == f.cases.branch.id)
            #expect(record.type == .complaint && record.$category.id == f.service.$category.id)
            #expect(record.customerName == "Siti Aminah" && !record.anonymous)
            let kept = try #require(try await Open311RequestRecord.find(record.id, on: app.db))
            #expect(kept.latitude == 3.0738 && kept.longitude == 101.5183)
            #expect(kept.answers == ["jenis": ["led"], "tiang": ["42"]])
            #expect(kept.mediaURL == "https://example.my/gambar.jpg")
        }
    }

    @Test func theCasePageShowsWhereItIsAndTheServicesAnswers() async throws {
        try await withLayan { app in
            // given
            let f = try await Open311Fixture.make(app)
            _ = try await f.post(app, f.goodRequest([("attribute[tiang]", "42"), ("media_url", "https://example.my/gambar.jpg?a=<b>")]))
            let record = try #require(try await CaseRecord.query(on: app.db).filter(\.$channel == .open311).first())
            let browser = TestBrowser(app)
            _ = try await browser.signIn(f.cases.dutyOfficers[0].email)
            // when
            let page = try await browser.get(SiteURL.cases(.show(record.id!.uuidString)).path)
            // then
            let html = page.body.string
            #expect(html.contains("id=\"channel-details\""))
            #expect(html.contains("https://www.openstreetmap.org/?mlat=3.0738&amp;mlon=101.5183"))
            #expect(html.contains("<dt>Jenis lampu</dt><dd>LED</dd>"))
            #expect(html.contains("<dt>Nombor pada tiang</dt><dd>42</dd>"))
            #expect(html.contains("gambar.jpg?a=&lt;b&gt;"))
        }
    }

    @Test func aRequestWithoutContactIsFiledAnonymously() async throws {
        try await withLayan { app in
            let f = try await Open311Fixture.make(app)
            // when
            let response = try await f.post(app, [("api_key", f.key), ("service_code", "LAMPU"), ("address_string", "Jalan Indah 7, Shah Alam"),
                                                  ("attribute[jenis]", "natrium")], format: "xml")
            // then
            #expect(response.status == .ok)
            #expect(response.body.string.contains("<service_requests><request><service_request_id>ADU-"))
            let record = try #require(try await CaseRecord.query(on: app.db).filter(\.$channel == .open311).first())
            #expect(record.anonymous && record.customerName == nil)
            #expect(record.subject == "Lampu jalan rosak — Jalan Indah 7, Shah Alam")
        }
    }

    @Test func aMissingOrWrongKeyIs403AndNothingIsStored() async throws {
        try await withLayan { app in
            let f = try await Open311Fixture.make(app)
            let (other, otherSecret) = APIToken.make(name: "cases only", scopes: [.casesWrite], createdBy: nil, at: app.clock.now())
            try await other.create(on: app.db)
            // when
            let missing = try await f.post(app, f.goodRequest().filter { $0.0 != "api_key" })
            let wrong = try await f.post(app, f.goodRequest().map { $0.0 == "api_key" ? ("api_key", "layan_wrong") : $0 })
            let unscoped = try await f.post(app, f.goodRequest().map { $0.0 == "api_key" ? ("api_key", otherSecret) : $0 })
            // then
            for response in [missing, wrong, unscoped] {
                #expect(response.status == .forbidden)
                let errors = try #require(try Open311Fixture.json(response) as? [[String: Any]])
                #expect(errors.first?["code"] as? Int == 403)
            }
            #expect(try await CaseRecord.query(on: app.db).count() == 0)
        }
    }

    @Test func badInputIsTheSpecs400WithEveryProblemNamed() async throws {
        try await withLayan { app in
            let f = try await Open311Fixture.make(app)
            // when
            let unknown = try await f.post(app, f.goodRequest().map { $0.0 == "service_code" ? ("service_code", "TIADA") : $0 })
            let unpublished = try await f.post(app, f.goodRequest().map { $0.0 == "service_code" ? ("service_code", "RAHSIA") : $0 })
            let nowhere = try await f.post(app, f.goodRequest().filter { $0.0 != "lat" && $0.0 != "long" })
            let badAttribute = try await f.post(app, f.goodRequest([("attribute[tiang]", "empat puluh"), ("attribute[warna]", "merah")]))
            let tooLong = try await f.post(app, f.goodRequest([("description", String(repeating: "a", count: 4001))]))
            let badEmail = try await f.post(app, f.goodRequest([("email", "bukan-emel")]))
            let notAForm = try await app.testing().sendRequest(.POST, "/open311/v2/requests.json", headers: ["Content-Type": "application/json"],
                                                              body: ByteBuffer(string: "{}"))
            // then
            for response in [unknown, unpublished, nowhere, badAttribute, tooLong, badEmail, notAForm] {
                #expect(response.status == .badRequest, "\(response.body.string)")
            }
            let problems = try #require(try Open311Fixture.json(badAttribute) as? [[String: Any]]).compactMap { $0["description"] as? String }
            #expect(problems == ["attribute[warna] is not an attribute of this service", "attribute[tiang] must be a number"])
            #expect(try await CaseRecord.query(on: app.db).count() == 0)
        }
    }

    @Test func requestsAreReadBackWithStatusNotesFromTheLatestPublicReply() async throws {
        try await withLayan { app in
            let f = try await Open311Fixture.make(app)
            let posted = try #require(try Open311Fixture.json(try await f.post(app, f.goodRequest())) as? [[String: Any]])
            let reference = try #require(posted.first?["service_request_id"] as? String)
            let record = try #require(try await CaseRecord.query(on: app.db).filter(\.$reference == reference).first())
            _ = try await CaseEngine(app: app).addMessage(record.id!, body: "Kontraktor akan membaiki lampu esok.", isPublic: true, by: .system)
            _ = try await CaseEngine(app: app).addMessage(record.id!, body: "Nota dalaman", isPublic: false, by: .system)
            // when
            let one = try await app.testing().sendRequest(.GET, "/open311/v2/requests/\(reference).json")
            let all = try await app.testing().sendRequest(.GET, "/open311/v2/requests.json?status=open&service_code=LAMPU")
            let closedOnly = try await app.testing().sendRequest(.GET, "/open311/v2/requests.json?status=closed")
            // then
            let request = try #require((try Open311Fixture.json(one) as? [[String: Any]])?.first)
            #expect(request["status"] as? String == "open")
            #expect(request["status_notes"] as? String == "Kontraktor akan membaiki lampu esok.")
            #expect(request["service_code"] as? String == "LAMPU" && request["lat"] as? Double == 3.0738)
            #expect((request["requested_datetime"] as? String)?.hasSuffix("+08:00") == true)
            #expect((request["expected_datetime"] as? String)?.hasSuffix("T17:00:00+08:00") == true)
            #expect((try Open311Fixture.json(all) as? [[String: Any]])?.count == 1)
            #expect((try Open311Fixture.json(closedOnly) as? [[String: Any]])?.count == 0)
        }
    }

    @Test func aResolvedCaseReadsClosed() async throws {
        try await withLayan { app in
            let f = try await Open311Fixture.make(app)
            let posted = try #require(try Open311Fixture.json(try await f.post(app, f.goodRequest())) as? [[String: Any]])
            let reference = try #require(posted.first?["service_request_id"] as? String)
            let record = try #require(try await CaseRecord.query(on: app.db).filter(\.$reference == reference).first())
            let engine = CaseEngine(app: app)
            _ = try await engine.transition(record.id!, .acknowledge, details: .init(), by: .system)
            _ = try await engine.transition(record.id!, .start, details: .init(), by: .system)
            _ = try await engine.transition(record.id!, .resolve, details: .init(note: "Lampu telah dibaiki."), by: .system)
            // when
            let xml = try await app.testing().sendRequest(.GET, "/open311/v2/requests/\(reference).xml")
            // then
            #expect(xml.body.string.contains("<status>closed</status><status_notes>Lampu telah dibaiki.</status_notes>"))
            #expect(xml.body.string.contains("<expected_datetime/>"))
        }
    }

    @Test func aTokenLeadsToItsRequest() async throws {
        try await withLayan { app in
            let f = try await Open311Fixture.make(app)
            let posted = try #require(try Open311Fixture.json(try await f.post(app, f.goodRequest())) as? [[String: Any]])
            let token = try #require(posted.first?["token"] as? String)
            // when
            let found = try await app.testing().sendRequest(.GET, "/open311/v2/tokens/\(token).json")
            let unknown = try await app.testing().sendRequest(.GET, "/open311/v2/tokens/\(UUID().uuidString).json")
            // then
            let answer = try #require((try Open311Fixture.json(found) as? [[String: Any]])?.first)
            #expect(answer["service_request_id"] as? String == posted.first?["service_request_id"] as? String)
            #expect(unknown.status == .notFound)
        }
    }

    @Test func aWindowOverNinetyDaysAndAForeignJurisdictionAreRefused() async throws {
        try await withLayan { app in
            _ = try await Open311Fixture.make(app)
            // when
            let long = try await app.testing().sendRequest(.GET, "/open311/v2/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z")
            let foreign = try await app.testing().sendRequest(.GET, "/open311/v2/services/LAMPU.json?jurisdiction_id=elsewhere.gov")
            let own = try await app.testing().sendRequest(.GET, "/open311/v2/services/LAMPU.json?jurisdiction_id=localhost")
            // then
            #expect(long.status == .badRequest)
            #expect(foreign.status == .notFound)
            #expect(own.status == .ok)
        }
    }

    @Test func discoveryNamesTheEndpointAndItsFormats() async throws {
        try await withLayan { app in
            _ = try await Open311Fixture.make(app)
            // when
            let xml = try await app.testing().sendRequest(.GET, "/open311/v2/discovery.xml")
            // then
            #expect(xml.status == .ok)
            #expect(xml.body.string.contains("<endpoints><endpoint><specification>http://wiki.open311.org/GeoReport_v2</specification><url>http://localhost:8080/open311/v2</url>"))
            #expect(xml.body.string.contains("<formats><format>text/xml</format><format>application/json</format></formats>"))
        }
    }

    @Test func anUnknownResourceIsTheSpecs404() async throws {
        try await withLayan { app in
            // when
            let response = try await app.testing().sendRequest(.GET, "/open311/v2/nothing/here.json")
            let noFormat = try await app.testing().sendRequest(.GET, "/open311/v2/services/LAMPU")
            // then
            #expect(response.status == .notFound)
            #expect((try Open311Fixture.json(response) as? [[String: Any]])?.first?["code"] as? Int == 404)
            #expect(noFormat.status == .notFound)
        }
    }

    @Test func administratorsPublishAServiceWithItsAttributes() async throws {
        try await withLayan { app in
            // given
            let f = try await Open311Fixture.make(app)
            try await TestStaff.createAll(in: app)
            let browser = TestBrowser(app)
            _ = try await browser.signIn(TestStaff.email(.administrator))
            try await browser.get(SiteURL.channels(.newOpen311Service).path)
            // when
            let bad = try await browser.post(SiteURL.channels(.open311Services).path, form: [
                "code": "LONGKANG", "nameMs": "Longkang tersumbat", "nameEn": "Blocked drain", "type": "complaint",
                "branchId": f.cases.branch.id!.uuidString, "position": "2", "attributes": "bau | colour | required | Bau", "published": "on"])
            try await browser.get(SiteURL.channels(.newOpen311Service).path)
            let good = try await browser.post(SiteURL.channels(.open311Services).path, form: [
                "code": "LONGKANG", "nameMs": "Longkang tersumbat", "nameEn": "Blocked drain", "type": "complaint",
                "branchId": f.cases.branch.id!.uuidString, "position": "2", "attributes": "bau | optional | Bau busuk?".replacingOccurrences(of: "optional", with: "string | optional"),
                "published": "on"])
            // then
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("Baris 1") || bad.body.string.contains("Line 1"))
            #expect(good.status == .seeOther)
            let services = try await app.testing().sendRequest(.GET, "/open311/v2/services.json")
            #expect((try Open311Fixture.json(services) as? [[String: Any]])?.map { $0["service_code"] as? String } == ["LAMPU", "LONGKANG"])
        }
    }
}
