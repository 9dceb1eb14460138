import Foundation
import LayanCore
import Vapor

/// `layan mail test --to ADDRESS`: sends one message through the configured relay at once (not through the
/// outbox) and says what the relay answered, so an administrator can check the SMTP settings.
struct MailCommandGroup: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] = ["test": TestMailCommand(), "intake": MailIntakeCommand()]
    var help: String { "Checks outgoing e-mail; takes inbound e-mail from a mail server." }
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

/// `layan mail intake`: one raw message on standard input, as Postfix's `pipe` transport and fetchmail's `mda` hand it
/// over (docs/channels.md). Exit 0 once the message is held (filed, continued, ignored, duplicate or kept as failed);
/// 75 (EX_TEMPFAIL) when it could not be stored, so the mail server keeps it and tries again.
struct MailIntakeCommand: AsyncCommand {
    struct Signature: CommandSignature {}

    var help: String { "Takes one e-mail from standard input into Layan (for Postfix pipe or fetchmail mda)." }

    static let temporaryFailure: Int32 = 75

    func run(using context: CommandContext, signature: Signature) async throws {
        let raw = Array(FileHandle.standardInput.readDataToEndOfFile())
        do {
            guard !raw.isEmpty else { throw CommandFailure("standard input is empty") }
            let outcome = try await MailIntake(db: context.application.db, app: context.application).take(raw)
            let taken = InboundMailController.taken(outcome)
            context.console.print([taken.outcome, taken.caseReference, taken.reason].compactMap { $0 }.joined(separator: " "))
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            context.console.error("layan mail intake: could not store the message, the mail server should try again: \(error)")
            try? await context.application.asyncShutdown()
            exit(Self.temporaryFailure)
        }
    }
}
