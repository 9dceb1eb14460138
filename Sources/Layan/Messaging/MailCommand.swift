import Foundation
import LayanCore
import Vapor

/// `layan mail test --to ADDRESS`: sends one message through the configured relay at once (not through the
/// outbox) and says what the relay answered, so an administrator can check the SMTP settings.
struct MailCommandGroup: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] = ["test": TestMailCommand()]
    var help: String { "Checks outgoing e-mail." }
}

struct TestMailCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "to", help: "Where to send the test message") var to: String?
    }

    var help: String { "Sends a test e-mail through LAYAN_SMTP_HOST now." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let to = signature.to.flatMap(EmailAddress.normalised) else { throw CommandFailure("--to needs an e-mail address") }
        let settings = app.settings.messaging
        guard let host = settings.smtpHost else { throw CommandFailure("LAYAN_SMTP_HOST is not set") }
        let catalogue = app.catalogue
        let mail = MailMessage(from: settings.mailFrom, to: to, subject: catalogue.bilingual("mail.test.subject"),
                               body: [Language.ms, .en].map { catalogue.text("mail.test.body", $0, ["host": host]) }.joined(separator: "\n\n"),
                               messageID: "\(UUID().uuidString.lowercased())@layan")
        do {
            try await app.mailer.send(mail, at: app.clock.now())
        } catch {
            throw CommandFailure("sending failed: \(error)")
        }
        context.console.print("sent to \(to) through \(host):\(settings.smtpPort) (\(settings.smtpSecurity))")
    }
}
