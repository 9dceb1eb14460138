import Foundation
import Testing
@testable import LayanCore

@Suite struct WebhookSignatureTests {
    @Test func twilioSignsTheURLAndSortedParametersAsItsDocumentationShows() {
        // given Twilio's own example (references.md)
        let parameters: [(name: String, value: String)] = [
            ("CallSid", "CA1234567890ABCDE"), ("Caller", "+12349013030"), ("Digits", "1234"), ("From", "+12349013030"), ("To", "+18005551212"),
        ]
        // when
        let signature = WebhookSignature.twilio(authToken: "12345", url: "https://mycompany.com/myapp.php?foo=1&bar=2", parameters: parameters.reversed())
        // then
        #expect(signature == "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
    }

    @Test func aDifferentURLIsADifferentSignature() {
        // given the URL Layan sees behind a proxy instead of the public one Twilio called
        let signature = WebhookSignature.twilio(authToken: "12345", url: "http://127.0.0.1:8080/myapp.php?foo=1&bar=2",
                                                parameters: [("CallSid", "CA1234567890ABCDE")])
        // then
        #expect(signature != "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
    }

    @Test func metaSignsTheRawBodyInHex() {
        // given HMAC-SHA256("secret", "{}"), computed independently with Python's hmac
        #expect(WebhookSignature.meta(appSecret: "secret", body: Array("{}".utf8)) == "sha256=77325902caca812dc259733aacd046b73817372c777b8d95b402647474516e13")
    }

    @Test func xAnswersTheCRCInBase64() {
        // given HMAC-SHA256("secret", "challenge"), computed independently with Python's hmac
        #expect(WebhookSignature.x(consumerSecret: "secret", bytes: Array("challenge".utf8)) == "sha256=oeUF6Wxqoezggrue+wbIDxKRPSF6esKwizR2MHh9HaA=")
    }

    @Test func comparisonNeedsTheWholeText() {
        #expect(WebhookSignature.matches("abc", "abc"))
        #expect(!WebhookSignature.matches("abd", "abc"))
        #expect(!WebhookSignature.matches("ab", "abc"))
    }
}
