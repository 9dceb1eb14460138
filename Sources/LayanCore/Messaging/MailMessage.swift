import Foundation

/// An e-mail as it goes over SMTP (RFC 5322): UTF-8 text, headers with non-ASCII words encoded (RFC 2047),
/// body in base64 so any language and any line length travels intact.
public struct MailMessage: Sendable, Equatable {
    public var from: String
    public var to: String
    public var subject: String
    public var body: String
    public var messageID: String

    public init(from: String, to: String, subject: String, body: String, messageID: String) {
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
        self.messageID = messageID
    }

    /// The DATA section: CRLF line ends, no bare dots at line starts (base64 has none).
    public func rendered(date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Kuala_Lumpur")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        let encodedBody = Data(body.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        let headers = [
            "From: \(from)",
            "To: \(to)",
            "Subject: \(Self.encodedWord(subject))",
            "Date: \(formatter.string(from: date))",
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
        ]
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + encodedBody + "\r\n"
    }

    /// A header value, as an RFC 2047 encoded word when it is not plain ASCII; CR/LF never reach a header.
    public static func encodedWord(_ text: String) -> String {
        let clean = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        if clean.allSatisfy({ $0.isASCII }) { return clean }
        return "=?UTF-8?B?\(Data(clean.utf8).base64EncodedString())?="
    }

    /// An address safe to put after MAIL FROM/RCPT TO: no angle brackets, spaces or line breaks.
    public static func isSafeEnvelopeAddress(_ address: String) -> Bool {
        !address.isEmpty && address.count <= 254 && address.contains("@")
            && !address.contains { $0 == "<" || $0 == ">" || $0 == "\r" || $0 == "\n" || $0 == " " }
    }
}

/// When to try a failed delivery again: doubling back-off with a cap, then give up.
public struct RetryPolicy: Sendable, Equatable {
    public var firstDelay: Double
    public var maximumDelay: Double
    public var maximumAttempts: Int

    public init(firstDelay: Double = 30, maximumDelay: Double = 3600, maximumAttempts: Int = 10) {
        self.firstDelay = firstDelay
        self.maximumDelay = maximumDelay
        self.maximumAttempts = maximumAttempts
    }

    /// Seconds to wait after the `attempts`-th failure, or nil when it is time to give up.
    public func delay(afterAttempts attempts: Int) -> Double? {
        guard attempts < maximumAttempts else { return nil }
        return min(maximumDelay, firstDelay * pow(2, Double(max(0, attempts - 1))))
    }
}
