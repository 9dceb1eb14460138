import Testing
@testable import LayanCore

@Suite struct PasswordPolicyTests {
    @Test func twelveCharactersIsEnough() {
        #expect(PasswordPolicy.problem(with: "abcdefghijkl") == nil)
        #expect(PasswordPolicy.problem(with: "abcdefghijk") == .tooShort)
    }

    @Test func bcryptLimitCountsBytesNotCharacters() {
        // given 24 characters of 4 bytes each: 96 bytes
        let emoji = String(repeating: "😀", count: 24)
        // then it is refused although it has only 24 characters
        #expect(PasswordPolicy.problem(with: emoji) == .tooLong)
        #expect(PasswordPolicy.problem(with: String(repeating: "a", count: 72)) == nil)
        #expect(PasswordPolicy.problem(with: String(repeating: "a", count: 73)) == .tooLong)
    }
}

@Suite struct EmailAddressTests {
    @Test(arguments: ["siti@jabatan.gov.my", " Ali.Bin.Abu@Example.COM ", "a+b@x.my"])
    func acceptsRealAddresses(address: String) {
        #expect(EmailAddress.normalised(address) != nil)
    }

    @Test(arguments: ["", "plain", "a@b", "a@@b.my", "<script>@x.my", "a b@x.my", "a@x..my", "@x.my"])
    func refusesOthers(address: String) {
        #expect(EmailAddress.normalised(address) == nil)
    }

    @Test func lowercasesAndTrims() {
        #expect(EmailAddress.normalised(" Siti@Jabatan.GOV.my\n") == "siti@jabatan.gov.my")
    }
}

@Suite struct MalaysianStateTests {
    @Test func thirteenStatesAndThreeTerritories() {
        #expect(MalaysianState.allCases.count == 16)
        #expect(MalaysianState.allCases.filter(\.isFederalTerritory).count == 3)
    }

    @Test(arguments: [("KTN", MalaysianState.kelantan), ("ktn", .kelantan), ("Kelantan", .kelantan),
                      ("Penang", .pulauPinang), ("W.P. Kuala Lumpur", .kualaLumpur), ("kuala lumpur", .kualaLumpur),
                      ("Negeri Sembilan", .negeriSembilan), ("JHR", .johor)])
    func parsesCodesNamesAndAliases(text: String, state: MalaysianState) {
        #expect(MalaysianState(lenient: text) == state)
    }

    @Test func refusesUnknown() {
        #expect(MalaysianState(lenient: "Singapore") == nil)
    }
}

@Suite struct ClientAddressTests {
    @Test func onlyTrustedProxiesMayNameTheClient() {
        let proxies: Set<String> = ["10.0.0.2", "10.0.0.3"]
        #expect(ClientAddress.resolve(peer: "203.0.113.9", forwardedFor: ["1.2.3.4"], trustedProxies: proxies) == "203.0.113.9")
        #expect(ClientAddress.resolve(peer: "10.0.0.2", forwardedFor: ["198.51.100.7"], trustedProxies: proxies) == "198.51.100.7")
        // a client that forges the header gets its real address (the one the proxy appended) counted
        #expect(ClientAddress.resolve(peer: "10.0.0.2", forwardedFor: ["6.6.6.6, 198.51.100.7"], trustedProxies: proxies) == "198.51.100.7")
        #expect(ClientAddress.resolve(peer: "10.0.0.2", forwardedFor: ["198.51.100.7", "10.0.0.3"], trustedProxies: proxies) == "198.51.100.7")
        #expect(ClientAddress.resolve(peer: "10.0.0.2", forwardedFor: [], trustedProxies: proxies) == "10.0.0.2")
    }
}
