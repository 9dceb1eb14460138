import Fluent
import Foundation
import LayanCore
import Vapor

/// One thing a channel brought beside the case's text (where, a photo link, a form's answers), for the case page.
struct ChannelDetail: Encodable, Sendable {
    let label: String
    let value: String
    /// A link to open, only ever http or https.
    var href: String?
}

enum ChannelDetails {
    /// What the case's channel kept, in the officer's language; empty for channels that keep nothing more.
    static func of(_ record: CaseRecord, for req: Request) async throws -> [ChannelDetail] {
        if [.counterForm, .feedbackBox, .web].contains(record.channel), let id = record.id,
           let form = try await PaperFormEntry.query(on: req.db).filter(\.$caseRecord.$id == id).first() {
            var details = [ChannelDetail(label: req.t("paperForm.detail.serial"), value: form.id ?? "")]
            if let dropped = form.droppedOn.flatMap({ LocalDate($0) }) {
                details.append(ChannelDetail(label: req.t("paperForm.detail.droppedOn"), value: MalaysianTime.longDate(dropped, in: req.language)))
            }
            return details
        }
        guard record.channel == .open311, let id = record.id, let kept = try await Open311RequestRecord.find(id, on: req.db) else { return [] }
        var details: [ChannelDetail] = []
        let service = try await Open311ServiceRecord.query(on: req.db).filter(\.$code == kept.serviceCode).first()
        details.append(ChannelDetail(label: req.t("open311.detail.service"), value: "\(kept.serviceCode) — \(service?.name(in: req.language) ?? "")"))
        if let address = kept.address { details.append(ChannelDetail(label: req.t("open311.detail.address"), value: address)) }
        if let addressID = kept.addressID { details.append(ChannelDetail(label: req.t("open311.detail.addressID"), value: addressID)) }
        if let lat = kept.latitude, let long = kept.longitude {
            details.append(ChannelDetail(label: req.t("open311.detail.point"), value: "\(lat), \(long)",
                                         href: "https://www.openstreetmap.org/?mlat=\(lat)&mlon=\(long)#map=18/\(lat)/\(long)"))
        }
        if let media = kept.mediaURL, Open311Desk.isWebAddress(media) {
            details.append(ChannelDetail(label: req.t("open311.detail.media"), value: media, href: media))
        }
        let answers = kept.answers
        for attribute in (service?.attributes ?? []).sorted(by: { $0.order < $1.order }) {
            guard let given = answers[attribute.code] else { continue }
            let shown = given.map { key in attribute.values.first { $0.key == key }?.name ?? key }
            details.append(ChannelDetail(label: attribute.description, value: shown.joined(separator: ", ")))
        }
        // Answers to attributes since retired still show, under their code.
        for (code, given) in answers.sorted(by: { $0.key < $1.key }) where !(service?.attributes ?? []).contains(where: { $0.code == code }) {
            details.append(ChannelDetail(label: code, value: given.joined(separator: ", ")))
        }
        return details
    }
}
