import Foundation
import Testing
@testable import LayanCore

/// Reading inbound e-mail (issue #17, item 2): headers, charsets, encodings, MIME trees, loops.
@Suite struct InboundMailTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../tests/mail-corpus").standardized

    static func corpusMail(_ path: String) throws -> InboundMail {
        try InboundMail.parse(Array(try Data(contentsOf: corpus.appendingPathComponent(path))))
    }

    @Test func adjacentEncodedWordsJoinWithoutTheSpaceBetweenThem() {
        // given RFC 2047 §8's examples
        // then
        #expect(EncodedWords.decode("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)") == "(ab)")
        #expect(EncodedWords.decode("(=?ISO-8859-1?Q?a?= b)") == "(a b)")
        #expect(EncodedWords.decode("=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?=") == "Keld Jørn Simonsen")
        #expect(EncodedWords.decode("=?UTF-8?B?SmFsYW4gcm9zYWs=?=") == "Jalan rosak")
    }

    @Test func aBrokenEncodedWordStaysAsItWas() {
        #expect(EncodedWords.decode("=?utf-8?X?abc?= ok") == "=?utf-8?X?abc?= ok")
        #expect(EncodedWords.decode("price =? 5") == "price =? 5")
    }

    @Test func rfc2231ParametersJoinTheirSectionsInTheirCharset() {
        // given RFC 2231's own continuation example and a percent-encoded UTF-8 name
        let continued = HeaderParameters("message/external-body; access-type=URL; URL*0=\"ftp://\"; URL*1=\"cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar\"")
        let encoded = HeaderParameters("attachment; filename*=utf-8''Aduan%20%E2%80%93%20Jalan.pdf")
        // then
        #expect(continued["url"] == "ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar")
        #expect(encoded.value == "attachment")
        #expect(encoded["filename"] == "Aduan – Jalan.pdf")
    }

    @Test func quotedParametersKeepTheirSemicolons() {
        let parameters = HeaderParameters("attachment; filename=\"a;b \\\"c\\\".pdf\"; size=10")
        #expect(parameters["filename"] == "a;b \"c\".pdf")
        #expect(parameters["size"] == "10")
    }

    @Test func windows1252AndLatin1ReadTheSameEverywhere() {
        // given the euro sign and curly quotes of Windows-1252, and é of Latin-1
        #expect(MailCharset.decode([0x80, 0x93, 0x41, 0x94], charset: "windows-1252") == "€“A”")
        #expect(MailCharset.decode([0x63, 0x61, 0x66, 0xE9], charset: "ISO-8859-1") == "café")
        // a mislabelled message: Latin-1 bytes said to be UTF-8
        #expect(MailCharset.decode([0x63, 0x61, 0x66, 0xE9], charset: "utf-8") == "café")
    }

    @Test func quotedPrintableSoftBreaksAndBase64WithoutPaddingDecode() {
        #expect(TransferEncoding.quotedPrintable(Array("Jalan=20rosak=\r\n sejak=3D".utf8), underscoreIsSpace: false) == Array("Jalan rosak sejak=".utf8))
        #expect(TransferEncoding.base64(Array("SmFsYW4\r\ngcm9zYWs".utf8)) == Array("Jalan rosak".utf8))
        #expect(TransferEncoding.base64(Array("YQ==YWI=".utf8)) == Array("aab".utf8))
    }

    @Test func htmlBecomesPlainTextWithoutItsScripts() throws {
        // given an HTML-only form message
        let mail = try Self.corpusMail("layan/html-only-script.eml")
        // then
        #expect(mail.text.contains("Lampu jalan di Lorong 5 & Lorong 6 rosak — gelap <sejak> Isnin."))
        #expect(mail.text.contains("• Lokasi: peta (https://maps.example/?q=3.1,101.6)"))
        #expect(mail.text.contains("• Masa: 8 malam"))
        #expect(!mail.text.contains("alert"))
        #expect(!mail.text.contains("Borang\n"))
        #expect(!mail.text.contains("hidden comment"))
    }

    @Test func outlookWindows1252QuotedPrintablePrefersThePlainAlternative() throws {
        let mail = try Self.corpusMail("layan/outlook-windows1252-qp.eml")
        #expect(mail.from == MailAddress(address: "siti.aminah@example.com.my", name: "Siti Aminah"))
        #expect(mail.text == "Saya telah membayar €20 tetapi resit tidak diterima. “Sila semak” – terima kasih.")
        #expect(mail.messageID == "000001d9a1b2$3c4d5e60$b5e81b20$@example.com.my")
        #expect(mail.automatic == nil)
    }

    @Test func gmailEncodedSubjectAndSenderNameDecode() throws {
        let mail = try Self.corpusMail("layan/gmail-utf8-encoded-subject.eml")
        #expect(mail.subject == "Jalan berlubang di Taman Melati – aduan")
        #expect(mail.from.name == "Ahmad Zaki bin Ismáil")
        #expect(mail.text.hasPrefix("Assalamualaikum,\n\nJalan di hadapan rumah saya berlubang"))
    }

    @Test func anAttachmentNamedInRFC2231SectionsKeepsItsNameAndBytes() throws {
        let mail = try Self.corpusMail("layan/thunderbird-latin1-rfc2231-attachment.eml")
        #expect(mail.text == "Je vous écris au sujet du permis n° 42. Voir la pièce jointe.")
        #expect(mail.subject == "Permis n° 42")
        #expect(mail.files.count == 1)
        #expect(mail.files.first?.name == "Permohonan Lesen Perniagaan – Renée.pdf")
        #expect(mail.files.first?.bytes.starts(with: Array("%PDF-".utf8)) == true)
    }

    @Test func nestedMultipartsGiveTheTextOnceAndEveryFile() throws {
        // given Apple Mail's mixed > related > alternative with an inline image and an attachment
        let mail = try Self.corpusMail("layan/apple-mail-nested-reply.eml")
        // then
        #expect(mail.text.hasPrefix("Terima kasih. Gambar terbaru dilampirkan."))
        #expect(mail.files.map(\.name) == ["logo.png", "jalan rosak.jpg"])
        #expect(mail.answers.first == "0190a0b0-0000-7000-8000-00000000abcd@layan")
        #expect(QuotedReply.newText(mail.text) == "Terima kasih. Gambar terbaru dilampirkan.")
    }

    @Test func autoRepliesBouncesAndListsAreMachineMail() throws {
        #expect(try Self.corpusMail("layan/exchange-auto-reply.eml").automatic == "Auto-Submitted: auto-replied")
        #expect(try Self.corpusMail("layan/postfix-bounce-dsn.eml").automatic != nil)
        let list = try InboundMail.parse(Array("From: a@example.com\r\nList-Id: <x.example.com>\r\nSubject: x\r\n\r\nhi\r\n".utf8))
        #expect(list.automatic != nil)
        let daemon = try InboundMail.parse(Array("From: MAILER-DAEMON@example.com\r\nSubject: x\r\n\r\nhi\r\n".utf8))
        #expect(daemon.automatic == "sent by mailer-daemon")
        let person = try InboundMail.parse(Array("From: a@example.com\r\nAuto-Submitted: no\r\nSubject: x\r\n\r\nhi\r\n".utf8))
        #expect(person.automatic == nil)
    }

    @Test func aMessageWithNothingToGoOnIsUnreadableWithItsReason() {
        #expect(throws: MailUnreadable.empty) { try InboundMail.parse(Array(" \r\n".utf8)) }
        #expect(throws: MailUnreadable.noHeaders) { try Self.corpusMail("layan/broken-no-headers.eml") }
        #expect(throws: MailUnreadable.noSender) { try InboundMail.parse(Array("Subject: who?\r\n\r\nbody\r\n".utf8)) }
    }

    @Test func aMultipartWithoutItsBoundaryIsReadAsText() throws {
        let mail = try Self.corpusMail("layan/broken-missing-boundary.eml")
        #expect(mail.text == "The parts never came.")
    }

    @Test func japaneseCharsetsDecode() throws {
        let mail = try Self.corpusMail("ruby-mail/multi_charset/japanese_iso_2022.eml")
        #expect(mail.text.unicodeScalars.contains { (0x3040...0x30FF).contains($0.value) || (0x4E00...0x9FFF).contains($0.value) })
    }

    @Test func deepNestingStopsAtTheLimitInsteadOfTheStack() throws {
        // given a message nested far past the limit
        var body = "hi"
        for level in 0..<500 {
            body = "Content-Type: multipart/mixed; boundary=\"b\(level)\"\r\n\r\n--b\(level)\r\n\(body)\r\n--b\(level)--\r\n"
        }
        // when
        let mail = try InboundMail.parse(Array("From: a@example.com\r\n\(body)".utf8))
        // then it is read, without the text buried below the limit
        #expect(mail.from.address == "a@example.com")
    }

    @Test func everyMessageInTheCorpusIsReadOrRefusedWithAReason() throws {
        // given every collected message (tests/mail-corpus/SOURCES.md)
        let files = FileManager.default.enumerator(at: Self.corpus, includingPropertiesForKeys: nil)!.compactMap { $0 as? URL }
            .filter { ["eml", "txt"].contains($0.pathExtension) }
        var read = 0
        var refused: [String] = []
        // when
        for file in files {
            do {
                let mail = try InboundMail.parse(Array(try Data(contentsOf: file)))
                #expect(!mail.from.address.isEmpty)
                read += 1
            } catch {
                refused.append("\(file.lastPathComponent): \(error)")
            }
        }
        // then at least 150 messages, nearly all read; the refused ones are the ones with no headers or no sender
        #expect(files.count >= 150)
        #expect(read >= files.count - 25, "refused: \(refused)")
    }
}

@Suite struct MailTextTests {
    @Test func lineEndsBecomeNewlinesAndTrailingBlanksGo() {
        // given text with CRLF, lone CR and blanks at line ends
        let text = "Salam,  \r\nBaris dua\t\rBaris tiga \n"
        // when it is cleaned
        // then each line ends with one newline and no blanks
        #expect(MailText.cleaned(text) == "Salam,\nBaris dua\nBaris tiga")
    }

    @Test func runsOfBlankLinesBecomeOneAndLeadingOnesGo() {
        #expect(MailText.cleaned("\r\n\r\n  \r\nA\r\n\r\n\r\n\r\nB") == "A\n\nB")
    }

    @Test func controlCharactersGoButTabsInsideALineStay() {
        // given C0 controls, DEL and C1 controls (U+0085, U+009B) among the words
        let text = "a\u{01}b\u{7F}c\u{85}d\u{9B}e\tf"
        // then only the words and the tab are left
        #expect(MailText.cleaned(text) == "abcde\tf")
    }

    @Test func charactersOfSeveralBytesAreKeptWhole() {
        // given accented Latin, Jawi, Chinese and an emoji beside the highest C1-free two-byte characters
        let text = "Café \u{A0}ڤرتاڽاءن 投诉 😀 \u{C2}\u{A9}"
        #expect(MailText.cleaned(text) == text)
    }
}
