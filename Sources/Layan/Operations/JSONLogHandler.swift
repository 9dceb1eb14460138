import Foundation
import Logging

/// One JSON object per line (`LAYAN_LOG_FORMAT=json`, issue #21, item 4), for a log shipper to read without patterns:
/// time (UTC, milliseconds), level, logger, message, source and the metadata (a request's `request-id`, its status…).
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    private let write: @Sendable (String) -> Void

    init(label: String, level: Logger.Level, write: @escaping @Sendable (String) -> Void = JSONLogHandler.standardOutput) {
        self.label = label
        self.logLevel = level
        self.write = write
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields = metadata.merging(metadataProvider?.get() ?? [:]) { _, new in new }
        if let own = event.metadata { fields.merge(own) { _, new in new } }
        var line: [String: Any] = ["time": Self.time(Date()), "level": event.level.rawValue, "logger": label,
                                   "message": event.message.description, "source": event.source]
        if !fields.isEmpty { line["metadata"] = fields.mapValues(Self.json) }
        guard let data = try? JSONSerialization.data(withJSONObject: line, options: [.sortedKeys, .withoutEscapingSlashes]),
              let text = String(data: data, encoding: .utf8) else { return }
        write(text + "\n")
    }

    static func json(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case let .string(text): text
        case let .stringConvertible(convertible): convertible.description
        case let .dictionary(values): values.mapValues(json)
        case let .array(values): values.map(json)
        }
    }

    static func time(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: true).timeSeparator(.colon)) + "Z"
    }

    static let standardOutput: @Sendable (String) -> Void = { line in FileHandle.standardOutput.write(Data(line.utf8)) }
}
