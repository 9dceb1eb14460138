import Vapor

/// Why a queue action was refused. Each is a clear 4xx with a bilingual reason, and the queue is unchanged.
enum QueueError: AbortError, Equatable {
    case unknownBranch
    case unknownService
    case unknownCounter
    case unknownTicket
    case counterNotOpen
    case notYourCounter
    case counterBusy(String)
    case invalidStep(from: String)
    case sameService
    case tooFewRecalls(needed: Int)
    case recallLimit(Int)
    case invalidCategory

    var status: HTTPResponseStatus {
        switch self {
        case .unknownBranch, .unknownService, .unknownCounter, .unknownTicket: .notFound
        case .notYourCounter: .forbidden
        case .counterNotOpen, .counterBusy, .invalidStep, .tooFewRecalls, .recallLimit: .conflict
        case .sameService, .invalidCategory: .unprocessableEntity
        }
    }

    var reason: String {
        switch self {
        case .unknownBranch: "Cawangan tidak dikenali / Unknown branch"
        case .unknownService: "Perkhidmatan tidak dikenali di cawangan ini / Unknown service at this branch"
        case .unknownCounter: "Kaunter tidak dikenali / Unknown counter"
        case .unknownTicket: "Tiket tidak dikenali / Unknown ticket"
        case .counterNotOpen: "Kaunter ini tidak dibuka / This counter is not open"
        case .notYourCounter: "Anda tidak bertugas di kaunter ini / You are not signed in at this counter"
        case let .counterBusy(label): "Selesaikan tiket \(label) dahulu / Finish ticket \(label) first"
        case let .invalidStep(from): "Tindakan ini tidak boleh dibuat pada tiket berstatus \(from) / Not possible for a ticket that is \(from)"
        case .sameService: "Pindahkan ke perkhidmatan lain / Transfer to a different service"
        case let .tooFewRecalls(needed): "Panggil semula sekurang-kurangnya \(needed) kali sebelum menanda tidak hadir / Recall at least \(needed) times before marking a no-show"
        case let .recallLimit(limit): "Sudah dipanggil semula \(limit) kali; tandakan tidak hadir / Already recalled \(limit) times; mark it a no-show"
        case .invalidCategory: "Kategori pelanggan tidak sah / Invalid customer category"
        }
    }
}
