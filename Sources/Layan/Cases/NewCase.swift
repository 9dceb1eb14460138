import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit
import Vapor

/// A case as it is filed, from the public portal, an officer typing in a counter form or phone call, or the API.
struct NewCase: Sendable {
    var type: CaseType
    var channel: CaseChannel
    var categoryID: UUID?
    var subject: String
    var details: String
    var anonymous = false
    var name: String?
    var email: String?
    var phone: String?
    var idDocument: String?
    var language: Language = .ms
    var contactBy: ContactChannel = .email
    var onBehalfOf: String?
    var consentGiven = false
    var branchID: UUID
    var divisionID: UUID?
    var service: String?
    var attachments: [NewAttachment] = []
    /// What the channel it came by keeps beside the case (an Open311 request's location and answers), as rows
    /// written with the case in the same unit, so a case never exists without them.
    var channelRows: (@Sendable (_ caseID: UUID, _ rows: inout InsertBatch) -> Void)?
    /// The conversation it came by (SMS, WhatsApp, Messenger, X), where its acknowledgement and replies go back.
    var conversation: ReplyRoute?
}
