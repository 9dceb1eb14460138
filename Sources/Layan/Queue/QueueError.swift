import Vapor

/// Why a queue action was refused. Each is a clear 4xx with a bilingual reason, and the queue is unchanged.
enum QueueError: CatalogueError, Equatable {
    case unknownBranch
    case unknownService
    case unknownCounter
    case unknownTicket
    case counterNotOpen
    case notYourCounter
    case counterBusy(String)
    /// A called customer not yet served: "next" would silently replace them and count them as served.
    case customerCalled(String)
    case invalidStep(from: String)
    case sameService
    case tooFewRecalls(needed: Int)
    case recallLimit(Int)
    case invalidCategory

    var status: HTTPResponseStatus {
        switch self {
        case .unknownBranch, .unknownService, .unknownCounter, .unknownTicket: .notFound
        case .notYourCounter: .forbidden
        case .counterNotOpen, .counterBusy, .customerCalled, .invalidStep, .tooFewRecalls, .recallLimit: .conflict
        case .sameService, .invalidCategory: .unprocessableEntity
        }
    }

    var catalogueKey: String {
        switch self {
        case .unknownBranch: "queue.error.unknownBranch"
        case .unknownService: "queue.error.unknownService"
        case .unknownCounter: "queue.error.unknownCounter"
        case .unknownTicket: "queue.error.unknownTicket"
        case .counterNotOpen: "queue.error.counterNotOpen"
        case .notYourCounter: "queue.error.notYourCounter"
        case .counterBusy: "queue.error.counterBusy"
        case .customerCalled: "queue.error.customerCalled"
        case .invalidStep: "queue.error.invalidStep"
        case .sameService: "queue.error.sameService"
        case .tooFewRecalls: "queue.error.tooFewRecalls"
        case .recallLimit: "queue.error.recallLimit"
        case .invalidCategory: "queue.error.invalidCategory"
        }
    }

    var catalogueValues: [String: String] {
        switch self {
        case let .counterBusy(label), let .customerCalled(label): ["ticket": label]
        case let .invalidStep(from): ["status": from]
        case let .tooFewRecalls(needed): ["count": "\(needed)"]
        case let .recallLimit(limit): ["count": "\(limit)"]
        default: [:]
        }
    }
}
