import Foundation

extension SiteURL {
    /// Open311 GeoReport v2 (`/open311/v2`); each resource ends in `.json` or `.xml`, so a parameter is the file name.
    public enum Open311: Sendable {
        case root
        case discovery(String)
        case services(String)
        case service(String)
        case requests(String)
        case request(String)
        case token(String)
        /// The OpenAPI document of the JSON form.
        case openAPI
        /// Anything else under the root: answered with the spec's 404.
        case anyOther

        var path: String {
            switch self {
            case .root: "/open311/v2"
            case let .discovery(format): "/open311/v2/discovery.\(format)"
            case let .services(format): "/open311/v2/services.\(format)"
            case let .service(file): "/open311/v2/services/\(file)"
            case let .requests(format): "/open311/v2/requests.\(format)"
            case let .request(file): "/open311/v2/requests/\(file)"
            case let .token(file): "/open311/v2/tokens/\(file)"
            case .openAPI: "/open311/v2/openapi.json"
            case .anyOther: "/open311/v2/**"
            }
        }
    }

    /// The staff pages of the inbound channels: Open311 services, the intake log.
    public enum Channels: Sendable {
        case open311Services
        case newOpen311Service
        case open311Service(String)
        case intake
        /// E-mail that could not become a case, kept whole.
        case failedMail
        case oneFailedMail(String)
        case failedMailRaw(String)
        case retryFailedMail(String)
        case fileFailedMail(String)
        case dismissFailedMail(String)
        /// Twilio's webhook for SMS and WhatsApp messages to the agency's numbers.
        case twilioMessages
        /// Meta's webhook for the WhatsApp Cloud API and Messenger: the GET handshake and signed POSTs.
        case metaWebhook
        /// X's Account Activity webhook: the CRC GET and signed POSTs.
        case xWebhook
        /// Paper complaint/feedback forms: printing a batch, one batch's printable sheets, entering a stack.
        case paperForms
        case paperFormBatch(String)
        case paperFormEntry

        var path: String {
            switch self {
            case .metaWebhook: "/channels/meta/webhook"
            case .xWebhook: "/channels/x/webhook"
            case .paperForms: "/forms"
            case let .paperFormBatch(id): "/forms/batches/\(id)"
            case .paperFormEntry: "/forms/entry"
            case .intake: "/intake"
            case .failedMail: "/intake/mail"
            case let .oneFailedMail(id): "/intake/mail/\(id)"
            case let .failedMailRaw(id): "/intake/mail/\(id)/message.eml"
            case let .retryFailedMail(id): "/intake/mail/\(id)/retry"
            case let .fileFailedMail(id): "/intake/mail/\(id)/file"
            case let .dismissFailedMail(id): "/intake/mail/\(id)/dismiss"
            case .twilioMessages: "/channels/twilio/messages"
            case .open311Services: "/admin/open311"
            case .newOpen311Service: "/admin/open311/new"
            case let .open311Service(id): "/admin/open311/\(id)"
            }
        }
    }
}
