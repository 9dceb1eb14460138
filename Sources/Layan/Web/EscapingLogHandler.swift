import LayanCore
import Logging
import Vapor

/// Wraps the log handler every logger uses and escapes control characters in messages and metadata (`LogText`), so
/// nothing logged — paths, headers, user input, errors — can forge a line (issue 15, item 7).
public struct EscapingLogHandler: LogHandler {
    private var wrapped: any LogHandler

    public init(_ wrapped: any LogHandler) { self.wrapped = wrapped }

    public func log(event: LogEvent) {
        var event = event
        event.message = "\(LogText.escaped(event.message.description))"
        event.metadata = event.metadata.map(Self.escaped)
        wrapped.log(event: event)
    }

    static func escaped(_ metadata: Logger.Metadata) -> Logger.Metadata { metadata.mapValues(escaped) }

    static func escaped(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case let .string(text): .string(LogText.escaped(text))
        case let .stringConvertible(convertible): .string(LogText.escaped(convertible.description))
        case let .dictionary(values): .dictionary(escaped(values))
        case let .array(values): .array(values.map(escaped))
        }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { wrapped[metadataKey: key] }
        set { wrapped[metadataKey: key] = newValue }
    }

    public var metadata: Logger.Metadata {
        get { wrapped.metadata }
        set { wrapped.metadata = newValue }
    }

    public var metadataProvider: Logger.MetadataProvider? {
        get { wrapped.metadataProvider }
        set { wrapped.metadataProvider = newValue }
    }

    public var logLevel: Logger.Level {
        get { wrapped.logLevel }
        set { wrapped.logLevel = newValue }
    }
}

extension LoggingSystem {
    /// Vapor's console logger at the level `--log` or `LOG_LEVEL` asks for — or one JSON object per line when
    /// `LAYAN_LOG_FORMAT=json` — behind `EscapingLogHandler`.
    public static func bootstrapEscaping(from environment: inout Environment) throws {
        let json = ProcessInfo.processInfo.environment["LAYAN_LOG_FORMAT"]?.lowercased() == "json"
        try bootstrap(from: &environment) { level in
            if json { return { label in EscapingLogHandler(JSONLogHandler(label: label, level: level)) } }
            let console = Terminal()
            return { label in EscapingLogHandler(ConsoleLogger(label: label, console: console, level: level)) }
        }
    }
}
