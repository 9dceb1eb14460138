import Foundation
import LayanCore
import Vapor

/// Sends one e-mail now (the outbox, `layan mail test`). The relay in the settings in production; tests may set
/// another in `app.mailer`.
protocol Mailer: Sendable {
    func send(_ mail: MailMessage, at: Date) async throws
}

/// The SMTP relay of `LAYAN_SMTP_HOST`, through our own client (`SMTPClient`).
struct SMTPMailer: Mailer {
    let settings: MessagingSettings

    func send(_ mail: MailMessage, at: Date) async throws {
        guard let host = settings.smtpHost else { throw NotConfigured(what: "LAYAN_SMTP_HOST") }
        try await SMTPClient.configured(settings, host: host).send(mail, at: at)
    }
}

/// A channel whose settings are missing: the message waits, with this as its last error.
struct NotConfigured: Error, CustomStringConvertible {
    let what: String
    static let prefix = "not configured: set "
    var description: String { Self.prefix + what }
}

extension SMTPClient {
    /// The client for the relay in the settings.
    static func configured(_ settings: MessagingSettings, host: String) -> SMTPClient {
        var client = SMTPClient(host: host, port: settings.smtpPort, heloName: "layan")
        client.security = Security(rawValue: settings.smtpSecurity) ?? .none
        if let user = settings.smtpUser { client.credentials = Credentials(user: user, password: settings.smtpPassword ?? "") }
        client.trustRootsFile = settings.smtpCAFile
        return client
    }
}

extension Application {
    private struct MailerKey: StorageKey { typealias Value = any Mailer }
    private struct SMSGatewayKey: StorageKey { typealias Value = any SMSGateway }

    /// Chosen in `configure`.
    var mailer: any Mailer {
        get { storage[MailerKey.self]! }
        set { storage[MailerKey.self] = newValue }
    }

    /// Chosen in `configure`.
    var smsGateway: any SMSGateway {
        get { storage[SMSGatewayKey.self]! }
        set { storage[SMSGatewayKey.self] = newValue }
    }
}
