import Testing
@testable import LayanFrontDoor

@Suite struct RequestFramingTests {
    private func framing(_ limits: RequestFraming.Limits = .init()) -> RequestFraming { RequestFraming(limits: limits) }

    @Test func aWholeHeadWithoutABodyAwaitsTheNextHead() {
        // given a fresh connection
        var framing = framing()
        // when a GET head arrives whole
        let outcome = framing.read(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        // then it is counted and the next head is awaited, none of it yet read
        #expect(outcome == .fine)
        #expect(framing.headsCompleted == 1)
        #expect(framing.awaitingHead && !framing.inPartialHead)
    }

    @Test func aHeadSentInPiecesIsPartialUntilItsBlankLine() {
        // given a head trickled a field at a time
        var framing = framing()
        _ = framing.read(Array("GET / HTTP/1.1\r\n".utf8))
        _ = framing.read(Array("X-A: b\r\n".utf8))
        // then it is partial until the blank line
        #expect(framing.inPartialHead)
        _ = framing.read(Array("\r\n".utf8))
        #expect(framing.headsCompleted == 1 && !framing.inPartialHead)
    }

    @Test func aContentLengthBodyIsNotMistakenForTheNextHead() {
        // given a POST whose body looks like a head
        var framing = framing()
        // when its head and half its body arrive
        _ = framing.read(Array("POST /x HTTP/1.1\r\nContent-Length: 20\r\n\r\nGET / HTTP/1.1\r\n".utf8))
        // then the body is not awaited as a head; after the rest, the next head is
        #expect(!framing.awaitingHead)
        _ = framing.read(Array("\r\n\r\n".utf8))
        #expect(framing.awaitingHead && framing.headsCompleted == 1)
    }

    @Test func aChunkedBodyIsFollowedToItsLastChunkAndTrailers() {
        // given a chunked POST, its chunks, and a pipelined second request
        var framing = framing()
        let bytes = "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\nX-T: 1\r\n\r\nGET / HTTP/1.1\r\n\r\n"
        // when all of it arrives at once
        _ = framing.read(Array(bytes.utf8))
        // then both heads are counted
        #expect(framing.headsCompleted == 2)
        #expect(framing.awaitingHead && !framing.inPartialHead)
    }

    @Test func anOverLongRequestLineIs414() {
        // given a request line over the limit with no line end yet
        var framing = framing(.init(requestLine: 100, head: 1000))
        // when it arrives
        let outcome = framing.read(Array(("GET /" + String(repeating: "a", count: 200)).utf8))
        // then it is refused as too long
        #expect(outcome == .requestLineTooLong)
    }

    @Test func anOverLargeHeadIs431() {
        // given a short request line and a huge header field
        var framing = framing(.init(requestLine: 100, head: 1000))
        // when it arrives
        let outcome = framing.read(Array(("GET / HTTP/1.1\r\nX-Big: " + String(repeating: "b", count: 2000)).utf8))
        // then the head is refused as too large
        #expect(outcome == .headTooLarge)
    }

    @Test func anUpgradeIsLeftToTheServer() {
        // given a head asking to switch protocols
        var framing = framing()
        _ = framing.read(Array("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n".utf8))
        // then what follows is not HTTP and no head is awaited
        #expect(!framing.awaitingHead)
        #expect(framing.read(Array(String(repeating: "z", count: 100_000).utf8)) == .fine)
    }

    @Test func emptyLinesBeforeARequestLineAreIgnored() {
        // given CRLFs left over from a previous request
        var framing = framing()
        _ = framing.read(Array("\r\n\r\n".utf8))
        // then no head has started
        #expect(!framing.inPartialHead && framing.headsCompleted == 0)
    }
}
