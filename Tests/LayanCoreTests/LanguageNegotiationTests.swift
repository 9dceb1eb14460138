import Testing
@testable import LayanCore

@Suite struct LanguageNegotiationTests {
    @Test func queryWinsOverCookieAndHeader() {
        // given a query, a cookie and a header that disagree
        // when the language is resolved
        let language = LanguageNegotiation.resolve(query: "en", cookie: "ms", acceptLanguage: "ms-MY")
        // then the query decides
        #expect(language == .en)
    }

    @Test func cookieWinsOverHeader() {
        #expect(LanguageNegotiation.resolve(query: nil, cookie: "en", acceptLanguage: "ms") == .en)
    }

    @Test func unknownQueryFallsThroughToCookie() {
        #expect(LanguageNegotiation.resolve(query: "fr", cookie: "en", acceptLanguage: nil) == .en)
    }

    @Test func acceptLanguageHonoursWeights() {
        // given a browser that prefers French, then English over Malay
        let header = "fr-FR, ms;q=0.4, en-GB;q=0.8"
        // then English, the best supported one, is chosen
        #expect(LanguageNegotiation.resolve(query: nil, cookie: nil, acceptLanguage: header) == .en)
    }

    @Test func zeroWeightIsRefusal() {
        #expect(LanguageNegotiation.resolve(query: nil, cookie: nil, acceptLanguage: "en;q=0") == .ms)
    }

    @Test func malayIsTheDefault() {
        #expect(LanguageNegotiation.resolve(query: nil, cookie: nil, acceptLanguage: nil) == .ms)
        #expect(LanguageNegotiation.resolve(query: "", cookie: "xx", acceptLanguage: "zh-CN, ja") == .ms)
    }

    @Test(arguments: ["ms", "MS", "ms-MY", "ms_MY", " en ", "en-US"])
    func tagsAreLenient(tag: String) {
        #expect(Language(tag: tag) != nil)
    }
}
