import Foundation
import Testing
@testable import LayanCore

@Suite struct Open311DocumentTests {
    @Test func oneTreeIsWrittenAsJSONAndAsXMLWithTheListElementNames() {
        // given
        let services: Open311Value = .list(element: "service", [.object([("service_code", .text("LAMPU")), ("metadata", .bool(true)), ("group", .null)])])
        // when
        let json = services.json, xml = services.xml(root: "services")
        // then
        #expect(json == #"[{"service_code":"LAMPU","metadata":true,"group":null}]"#)
        #expect(xml == "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<services><service><service_code>LAMPU</service_code><metadata>true</metadata><group/></service></services>")
    }

    @Test func markupAndControlCharactersAreEscapedInBothFormats() {
        // given
        let value: Open311Value = .object([("description", .text("<script>\"&'\u{1}\u{2028}"))])
        // when
        let json = value.json, xml = value.xml(root: "request")
        // then
        #expect(json == #"{"description":"<script>\"&'\u0001\u2028"}"#)
        #expect(xml.hasSuffix("<request><description>&lt;script&gt;&quot;&amp;&apos;\u{2028}</description></request>"))
    }

    @Test func coordinatesAreWrittenAsPlainDecimals() {
        #expect(Open311Value.number(3.139).json == "3.139")
        #expect(Open311Value.number(101.0).json == "101")
    }

    @Test func errorsAreAListOfCodeAndDescription() {
        // given
        let error = Open311Error(400, "service_code is required", "A location is required")
        // then
        #expect(error.document.json == #"[{"code":400,"description":"service_code is required"},{"code":400,"description":"A location is required"}]"#)
        #expect(error.document.xml(root: Open311Error.rootElement).hasSuffix("<errors><error><code>400</code><description>service_code is required</description></error><error><code>400</code><description>A location is required</description></error></errors>"))
    }

    @Test func theFormatComesFromTheResourceExtension() {
        #expect(Open311Format.split("LAMPU-01.json")! == ("LAMPU-01", .json))
        #expect(Open311Format.split("ADU-2026-000001.XML")! == ("ADU-2026-000001", .xml))
        #expect(Open311Format.split("LAMPU") == nil)
        #expect(Open311Format.split("LAMPU.html") == nil)
    }

    @Test func datesCarryMalaysiasOffset() {
        // given: 2026-12-03 08:15:30 UTC
        let instant = Date(timeIntervalSince1970: 1_796_285_730)
        // then
        #expect(W3CDateTime.format(instant) == "2026-12-03T16:15:30+08:00")
        #expect(W3CDateTime.parse("2026-12-03T16:15:30+08:00") == instant)
        #expect(W3CDateTime.parse("2026-12-03T08:15:30Z") == instant)
        #expect(W3CDateTime.parse("2026-12-03T08:15:30.250Z") == instant.addingTimeInterval(0.25))
        #expect(W3CDateTime.parse("2026-12-03T08:15:30") == nil, "a time without a zone is ambiguous")
        #expect(W3CDateTime.parse("3/12/2026") == nil)
    }
}

@Suite struct Open311AttributeTests {
    let colour = Open311Attribute(code: "jenis", datatype: .singlevaluelist, required: true, order: 1, description: "Jenis lampu",
                                  values: [.init(key: "led", name: "LED"), .init(key: "natrium", name: "Natrium")])
    let poles = Open311Attribute(code: "tiang", datatype: .number, required: false, order: 2, description: "Nombor tiang")

    @Test func answersAreCheckedAgainstTheirDatatype() {
        #expect(colour.problem(with: ["led"]) == nil)
        #expect(colour.problem(with: ["neon"]) == "attribute[jenis] has no value neon")
        #expect(colour.problem(with: []) == "attribute[jenis] is required")
        #expect(colour.problem(with: ["led", "natrium"]) == "attribute[jenis] takes one value")
        #expect(poles.problem(with: ["12.5"]) == nil)
        #expect(poles.problem(with: ["dua belas"]) == "attribute[tiang] must be a number")
        #expect(poles.problem(with: ["inf"]) == "attribute[tiang] must be a number")
        #expect(poles.problem(with: []) == nil)
        let when = Open311Attribute(code: "bila", datatype: .datetime, required: true, order: 3, description: "Bila")
        #expect(when.problem(with: ["2026-12-01T20:00:00+08:00"]) == nil)
        #expect(when.problem(with: ["semalam"]) != nil)
        let many = Open311Attribute(code: "hari", datatype: .multivaluelist, required: true, order: 4, description: "Hari",
                                    values: [.init(key: "isnin", name: "Isnin"), .init(key: "selasa", name: "Selasa")])
        #expect(many.problem(with: ["isnin", "selasa"]) == nil)
        #expect(many.problem(with: ["isnin", "ahad"]) == "attribute[hari] has no value ahad")
    }

    @Test func anAnswerToACodeTheServiceDoesNotDefineIsRefused() {
        // when
        let result = Open311Answers.check(["jenis": ["led"], "warna": ["merah"]], against: [colour, poles])
        // then
        guard case let .failure(error) = result else { Issue.record("accepted an unknown attribute"); return }
        #expect(error.status == 400)
        #expect(error.descriptions == ["attribute[warna] is not an attribute of this service"])
    }

    @Test func everyProblemIsNamedAtOnce() {
        // when
        let result = Open311Answers.check(["tiang": ["x"]], against: [colour, poles])
        // then
        guard case let .failure(error) = result else { Issue.record("accepted"); return }
        #expect(error.descriptions == ["attribute[jenis] is required", "attribute[tiang] must be a number"])
    }

    @Test func theDefinitionListsValuesOnlyForLists() {
        #expect(colour.document.json.contains(#""values":[{"key":"led","name":"LED"}"#))
        #expect(!poles.document.json.contains("values"))
    }
}

@Suite struct Open311AttributeLinesTests {
    @Test func linesBecomeAttributesInTheirOrder() throws {
        // given
        let text = """
        jenis | singlevaluelist | required | Jenis lampu | led=LED; natrium=Natrium
        tiang | number | optional | Nombor pada tiang

        nota | string | info | Ambil gambar jika selamat
        """
        // when
        let attributes = try Open311AttributeLines.parse(text).get()
        // then
        #expect(attributes.map(\.code) == ["jenis", "tiang", "nota"])
        #expect(attributes.map(\.order) == [1, 2, 3])
        #expect(attributes[0].values == [.init(key: "led", name: "LED"), .init(key: "natrium", name: "Natrium")])
        #expect(attributes[1].required == false && attributes[1].variable)
        #expect(attributes[2].variable == false)
        #expect(try Open311AttributeLines.parse(Open311AttributeLines.text(of: attributes)).get() == attributes)
    }

    @Test func aBadLineIsNamedByItsNumber() {
        #expect(Open311AttributeLines.parse("a | number | required | A\nb | colour | required | B") ==
            .failure(.init(line: 2, catalogueKey: "open311.error.attributeDatatype")))
        #expect(Open311AttributeLines.parse("a | singlevaluelist | required | A") == .failure(.init(line: 1, catalogueKey: "open311.error.attributeValues")))
        #expect(Open311AttributeLines.parse("a | number | required | A | x=Y") == .failure(.init(line: 1, catalogueKey: "open311.error.attributeValuesNotList")))
        #expect(Open311AttributeLines.parse("a b | number | required | A") == .failure(.init(line: 1, catalogueKey: "open311.error.attributeCode")))
        #expect(Open311AttributeLines.parse("a | number | required | A\na | text | optional | B") == .failure(.init(line: 2, catalogueKey: "open311.error.attributeTwice")))
        #expect(Open311AttributeLines.parse("a | number") == .failure(.init(line: 1, catalogueKey: "open311.error.attributeLine")))
    }
}

@Suite struct Open311SubmissionTests {
    @Test func formPairsKeepRepeatsAndDecodePlusAndPercent() throws {
        // when
        let pairs = try #require(FormPairs.parse("description=Lampu+rosak%21&attribute%5Bhari%5D%5B%5D=isnin&attribute[hari][]=selasa&attribute[jenis]=led"[...]))
        let submission = Open311Submission(pairs: pairs)
        // then
        #expect(submission.description == "Lampu rosak!")
        #expect(submission.attributes == ["hari": ["isnin", "selasa"], "jenis": ["led"]])
        #expect(FormPairs.parse("a=%ZZ"[...]) == nil)
    }

    @Test func aLocationIsAPointAnAddressOrAnAddressID() {
        func location(_ form: String) -> Result<Open311Submission.Location, Open311Error> {
            Open311Submission(pairs: FormPairs.parse(form[...])!).location()
        }
        #expect(location("lat=3.0738&long=101.5183") == .success(.init(latitude: 3.0738, longitude: 101.5183)))
        #expect(location("address_string=Jalan+Indah+7") == .success(.init(address: "Jalan Indah 7")))
        #expect(location("address_id=SHA-7781") == .success(.init(addressID: "SHA-7781")))
        #expect(location("service_code=LAMPU") == .failure(Open311Error(400, "A location is required: lat and long, address_string or address_id")))
        #expect(location("lat=3.07") == .failure(Open311Error(400, "lat and long must both be given, as WGS84 decimal degrees")))
        #expect(location("lat=93&long=101") == .failure(Open311Error(400, "lat and long must both be given, as WGS84 decimal degrees")))
    }
}

@Suite struct Open311RequestQueryTests {
    let now = Date(timeIntervalSince1970: 1_796_285_730)
    func read(_ parameters: [String: String]) -> Result<Open311RequestQuery, Open311Error> {
        Open311RequestQuery.read({ parameters[$0] }, now: now)
    }

    @Test func withoutDatesTheWindowIsTheLastNinetyDays() throws {
        let query = try read([:]).get()
        #expect(query.end == now)
        #expect(query.start == now.addingTimeInterval(-90 * 86_400))
    }

    @Test func aWindowLongerThanNinetyDaysIsRefused() {
        guard case let .failure(error) = read(["start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-06-01T00:00:00+08:00"]) else {
            Issue.record("accepted a 151-day window"); return
        }
        #expect(error.status == 400)
        #expect(error.descriptions == ["start_date and end_date may not be more than 90 days apart"])
    }

    @Test func aStartAloneRunsNinetyDaysOnButNotPastNow() throws {
        let query = try read(["start_date": "2026-11-01T00:00:00+08:00"]).get()
        #expect(query.end == now)
    }

    @Test func listsAreCommaSeparatedAndStatusesChecked() throws {
        let query = try read(["service_code": "LAMPU, LONGKANG", "status": "open,closed"]).get()
        #expect(query.serviceCodes == ["LAMPU", "LONGKANG"])
        #expect(query.statuses == [.open, .closed])
        #expect(read(["status": "pending"]) == .failure(Open311Error(400, "status must be open, closed or both")))
        #expect(read(["end_date": "yesterday"]) == .failure(Open311Error(400, "end_date must be a date and time in ISO 8601 with a time zone")))
    }

    @Test func requestIDsOverrideTheWindow() throws {
        let query = try read(["service_request_id": "ADU-2026-000001,ADU-2026-000002", "start_date": "2020-01-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"]).get()
        #expect(query.ids == ["ADU-2026-000001", "ADU-2026-000002"])
    }
}

@Suite struct PaperFormSerialTests {
    @Test func aSerialCarriesItsBranchNumberAndCheckDigit() {
        // given Luhn's check digit of 000123 (7992739871 → 3 is the textbook case; here 000123 → 0)
        let serial = PaperFormSerial(branchCode: "sha", number: 123)
        // then
        #expect(serial.description == "SHA-000123-0")
        #expect(PaperFormSerial.checkDigit("7992739871") == "3")
    }

    @Test func aSerialIsReadHoweverItIsTyped() {
        #expect(PaperFormSerial.parse("sha 000123 0") == .success(PaperFormSerial(branchCode: "SHA", number: 123)))
        #expect(PaperFormSerial.parse("SHA0001230") == .success(PaperFormSerial(branchCode: "SHA", number: 123)))
    }

    @Test func oneWrongOrSwappedDigitIsCaught() {
        #expect(PaperFormSerial.parse("SHA-000124-0") == .failure(.checkDigit))
        #expect(PaperFormSerial.parse("SHA-000213-0") == .failure(.checkDigit))
        #expect(PaperFormSerial.parse("123") == .failure(.unreadable))
        #expect(PaperFormSerial.parse("") == .failure(.unreadable))
    }
}
