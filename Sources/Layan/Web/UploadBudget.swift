import NIOConcurrencyHelpers
import Vapor

/// The memory all large request bodies in flight may take together (issue 15, item 3: 40 anonymous 25 MB posts took
/// the server from 290 MB to 1 GB). Upload routes take their body as a stream; it is read only after the access and
/// CSRF checks that need no body, and only while its size fits what is left of this budget, else 503 at once.
final class UploadBudget: Sendable {
    let bytes: Int
    private let used = NIOLockedValueBox(0)

    init(bytes: Int) { self.bytes = bytes }

    /// Takes `count` bytes of the budget; false when they do not fit.
    func reserve(_ count: Int) -> Bool {
        used.withLockedValue { used in
            guard used + count <= bytes else { return false }
            used += count
            return true
        }
    }

    func release(_ count: Int) { used.withLockedValue { $0 -= count } }

    /// Bytes held for one request, given back when the request is gone.
    final class Reservation: Sendable {
        let budget: UploadBudget
        let count: Int
        init(_ budget: UploadBudget, _ count: Int) { (self.budget, self.count) = (budget, count) }
        deinit { budget.release(count) }
    }
}

/// Too many large bodies at once: try again shortly.
struct UploadsBusy: CatalogueError {
    var status: HTTPResponseStatus { .serviceUnavailable }
    var catalogueKey: String { "error.uploadsBusy" }
    var headers: HTTPHeaders { ["Retry-After": "5"] }
}

extension Request {
    private enum UploadKey: StorageKey { typealias Value = UploadBudget.Reservation }

    /// Reads an upload route's streamed body, within the route's limit and the application's budget; does nothing when
    /// the body is already read (a small body, or read by the CSRF check).
    func collectUpload() async throws {
        guard body.data == nil else { return }
        guard let limit = route?.maximumBodySize else {
            // An ordinary form whose body came after its head (a few KB from a browser): read within the default limit,
            // or the CSRF check finds no token in it and refuses a genuine form.
            _ = try await body.collect(max: application.routes.defaultMaxBodySize.value).get()
            return
        }
        let declared = headers.first(name: .contentLength).flatMap(Int.init)
        if let declared, declared > limit { throw Abort(.payloadTooLarge) }
        let count = declared ?? limit
        guard application.uploadBudget.reserve(count) else { throw UploadsBusy() }
        storage[UploadKey.self] = UploadBudget.Reservation(application.uploadBudget, count)
        _ = try await body.collect(max: limit).get()
    }
}

extension Application {
    private struct UploadBudgetKey: StorageKey { typealias Value = UploadBudget }

    /// Set in `configure` (`LAYAN_UPLOAD_BUDGET_MB`).
    var uploadBudget: UploadBudget {
        get { storage[UploadBudgetKey.self]! }
        set { storage[UploadBudgetKey.self] = newValue }
    }
}
