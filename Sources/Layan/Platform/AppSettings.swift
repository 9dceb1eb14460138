import Foundation
import LayanCore
import LayanStorage
import Vapor

extension DatabaseTarget {
    /// Accepts nothing (the default file), `sqlite:PATH`, `sqlite://PATH`, `postgres://…` or `postgresql://…`.
    public static func parse(_ value: String?) throws -> DatabaseTarget {
        guard let raw = value?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else {
            return .sqlite(path: defaultSQLitePath)
        }
        let lower = raw.lowercased()
        if lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://") {
            guard URL(string: raw)?.host != nil else { throw SettingsError.invalid("DATABASE_URL", raw) }
            return .postgres(url: raw)
        }
        if lower.hasPrefix("sqlite:") {
            var path = String(raw.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            guard !path.isEmpty else { throw SettingsError.invalid("DATABASE_URL", raw) }
            return .sqlite(path: path)
        }
        throw SettingsError.invalid("DATABASE_URL", raw)
    }
}

public enum SettingsError: Error, CustomStringConvertible {
    case invalid(String, String)
    public var description: String {
        switch self {
        case let .invalid(name, value): "\(name) has a value Layan cannot use: \(value)"
        }
    }
}

/// Configuration, decoded once from the environment (conventions.md, habit 7).
public struct AppSettings: Sendable {
    public var database: DatabaseTarget
    /// Cookies get `Secure` and responses get HSTS: set when Layan is served over HTTPS.
    public var behindHTTPS: Bool
    /// Registers `/_bench/hello`, the plain route benchmarks compare against. Off in normal use.
    public var benchmarkRoutes: Bool
    /// Bcrypt cost for staff passwords.
    public var bcryptCost: Int
    /// Runs pending migrations while the application is configured (every command, `serve` included).
    public var migrateAtBoot: Bool
    public var sessionPolicy = SessionPolicy()
    public var loginThrottle = LoginThrottle()
    /// Outgoing mail and SMS (the outbox) and the links they carry.
    public var messaging = MessagingSettings()
    /// How often the background jobs (outbox, SLA checks) look for work; tests shorten it.
    public var jobInterval: TimeInterval = 5
    /// How long a message the outbox took to send stays its instance's before another may send it
    /// (`LAYAN_OUTBOX_CLAIM_SECONDS`, 5–3600): the wait after a crash mid-send (docs/operations.md).
    public var outboxClaimSeconds: TimeInterval = 120
    /// Runs the background jobs in this process; commands and some tests turn them off.
    public var runJobs = true
    /// Addresses of the branches' kiosks, which take many numbers a day and so are exempt from the
    /// per-address limit on anonymous tickets (`LAYAN_KIOSK_ADDRESSES`, comma-separated).
    public var kioskAddresses: Set<String> = []
    /// Reverse proxies allowed to name the client in X-Forwarded-For (`LAYAN_TRUSTED_PROXIES`, comma-separated).
    public var trustedProxies: Set<String> = []
    /// How long after resolution a customer may reopen a case (`LAYAN_REOPEN_DAYS`, default 14).
    public var reopenPolicy = ReopenPolicy()
    /// PostgreSQL connections each event loop may open (`LAYAN_PG_CONNECTIONS_PER_LOOP`, default 8). Fluent's
    /// default of one meant two connections for a two-core server, every request queueing for them (a new case
    /// holds one for its whole transaction): 390 cases/s. Instances × loops × this must stay under the server's
    /// `max_connections` (100 by default).
    public var postgresConnectionsPerEventLoop = 8
    /// SQLite's `synchronous` in WAL mode (`LAYAN_SQLITE_SYNCHRONOUS`, `full` or `normal`): FULL syncs the log at every
    /// commit — a group commit's batch shares one — so an acknowledged write survives a power cut; NORMAL syncs only
    /// at checkpoints, surviving a crash of Layan but not of the machine (docs/operations.md, docs/benchmarks.md).
    public var sqliteSynchronous: SQLiteSynchronous = .full
    /// PostgreSQL: batches of new cases written at once (`PostgresCaseStore`). LAYAN_CASE_FILING_WRITERS.
    public var caseFilingWriters = 1
    /// The memory every large request body in flight may take together (`UploadBudget`), `LAYAN_UPLOAD_BUDGET_MB`.
    public var uploadBudgetBytes = 256 << 20
    /// A connection with nothing read or written for this long is closed (`LAYAN_IDLE_TIMEOUT`, seconds; above the
    /// display boards' 15-second heartbeat).
    public var idleTimeoutSeconds = 60
    /// After SIGTERM, how long Layan keeps answering (health 503 "draining", `Connection: close`) before it stops
    /// accepting, so a load balancer moves traffic away and nothing sent before the signal is reset
    /// (`LAYAN_DRAIN_SECONDS`, 0–60).
    public var drainSeconds = 3
    /// The front door guards connections before Vapor's server sees them (docs/security.md); off behind nginx.
    public var frontDoor = true
    /// Seconds a client has to send a whole request head (`LAYAN_HEADER_TIMEOUT`).
    public var headerTimeoutSeconds = 10
    /// Connections one client address may hold (`LAYAN_CONNECTIONS_PER_ADDRESS`; 0 is no cap).
    public var connectionsPerAddress = 256
    /// Twilio's auth token, which signs its webhooks (`LAYAN_TWILIO_AUTH_TOKEN`); unset, the Twilio webhook refuses all.
    public var twilioAuthToken: String?
    /// Meta's app secret, which signs WhatsApp Cloud API and Messenger webhooks (`LAYAN_META_APP_SECRET`).
    public var metaAppSecret: String?
    /// The verify token typed into Meta's webhook set-up, echoed back in its handshake (`LAYAN_META_VERIFY_TOKEN`).
    public var metaVerifyToken: String?
    /// X's consumer secret, which signs Account Activity webhooks and their CRC (`LAYAN_X_CONSUMER_SECRET`).
    public var xConsumerSecret: String?
    /// Where replies into conversations are sent, and with what credentials.
    public var conversations = ConversationSettings()
    /// The branch (by code) that receives cases from channels that name none: SMS, WhatsApp (`LAYAN_CHANNEL_BRANCH`);
    /// unset, the first branch by code.
    public var channelBranchCode: String?
    /// The `jurisdiction_id` Open311 clients may send (`LAYAN_OPEN311_JURISDICTION`); unset, the public URL's host.
    public var open311JurisdictionSetting: String?
    public var open311Jurisdiction: String {
        open311JurisdictionSetting ?? URL(string: messaging.publicBaseURL)?.host ?? "localhost"
    }
    /// The key identity numbers are encrypted with, 32 bytes in base64 (`LAYAN_DATA_KEY`); unset, a key file is used.
    public var dataKey: String?
    /// Where the key is kept when none is configured: beside the SQLite database, or `data/layan.key`.
    public var dataKeyFile: String {
        if case let .sqlite(path) = database { return ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent("layan.key") }
        return "data/layan.key"
    }

    public init(database: DatabaseTarget = .sqlite(path: DatabaseTarget.defaultSQLitePath),
                behindHTTPS: Bool = false, benchmarkRoutes: Bool = false, bcryptCost: Int = 12,
                migrateAtBoot: Bool = true) {
        self.database = database
        self.behindHTTPS = behindHTTPS
        self.benchmarkRoutes = benchmarkRoutes
        self.bcryptCost = bcryptCost
        self.migrateAtBoot = migrateAtBoot
    }

    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> AppSettings {
        func flag(_ name: String) -> Bool { ["1", "true", "yes"].contains(env[name]?.lowercased() ?? "") }
        var settings = try basics(env, flag: flag)
        if let raw = env["LAYAN_PG_CONNECTIONS_PER_LOOP"], !raw.isEmpty {
            guard let count = Int(raw), (1...64).contains(count) else { throw SettingsError.invalid("LAYAN_PG_CONNECTIONS_PER_LOOP", raw) }
            settings.postgresConnectionsPerEventLoop = count
        }
        if let raw = env["LAYAN_OUTBOX_CLAIM_SECONDS"], !raw.isEmpty {
            guard let seconds = Double(raw), (5...3600).contains(seconds) else { throw SettingsError.invalid("LAYAN_OUTBOX_CLAIM_SECONDS", raw) }
            settings.outboxClaimSeconds = seconds
        }
        if let raw = env["LAYAN_SQLITE_SYNCHRONOUS"], !raw.isEmpty {
            guard let mode = SQLiteSynchronous(rawValue: raw.lowercased()) else { throw SettingsError.invalid("LAYAN_SQLITE_SYNCHRONOUS", raw) }
            settings.sqliteSynchronous = mode
        }
        if let raw = env["LAYAN_CASE_FILING_WRITERS"], !raw.isEmpty {
            guard let count = Int(raw), (1...16).contains(count) else { throw SettingsError.invalid("LAYAN_CASE_FILING_WRITERS", raw) }
            settings.caseFilingWriters = count
        }
        if let raw = env["LAYAN_UPLOAD_BUDGET_MB"], !raw.isEmpty {
            guard let megabytes = Int(raw), (16...16_384).contains(megabytes) else { throw SettingsError.invalid("LAYAN_UPLOAD_BUDGET_MB", raw) }
            settings.uploadBudgetBytes = megabytes << 20
        }
        if let raw = env["LAYAN_DATA_KEY"], !raw.isEmpty { settings.dataKey = raw }
        if let raw = env["LAYAN_IDLE_TIMEOUT"], !raw.isEmpty {
            guard let seconds = Int(raw), (20...3_600).contains(seconds) else { throw SettingsError.invalid("LAYAN_IDLE_TIMEOUT", raw) }
            settings.idleTimeoutSeconds = seconds
        }
        if let raw = env["LAYAN_DRAIN_SECONDS"], !raw.isEmpty {
            guard let seconds = Int(raw), (0...60).contains(seconds) else { throw SettingsError.invalid("LAYAN_DRAIN_SECONDS", raw) }
            settings.drainSeconds = seconds
        }
        if let raw = env["LAYAN_FRONT_DOOR"], !raw.isEmpty {
            guard ["on", "off"].contains(raw) else { throw SettingsError.invalid("LAYAN_FRONT_DOOR", raw) }
            settings.frontDoor = raw == "on"
        }
        if let raw = env["LAYAN_HEADER_TIMEOUT"], !raw.isEmpty {
            guard let seconds = Int(raw), (1...300).contains(seconds) else { throw SettingsError.invalid("LAYAN_HEADER_TIMEOUT", raw) }
            settings.headerTimeoutSeconds = seconds
        }
        if let raw = env["LAYAN_CONNECTIONS_PER_ADDRESS"], !raw.isEmpty {
            guard let count = Int(raw), (0...100_000).contains(count) else { throw SettingsError.invalid("LAYAN_CONNECTIONS_PER_ADDRESS", raw) }
            settings.connectionsPerAddress = count
        }
        settings.twilioAuthToken = env["LAYAN_TWILIO_AUTH_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        settings.metaAppSecret = env["LAYAN_META_APP_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
        settings.metaVerifyToken = env["LAYAN_META_VERIFY_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        settings.xConsumerSecret = env["LAYAN_X_CONSUMER_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
        settings.conversations = try ConversationSettings(env)
        settings.channelBranchCode = env["LAYAN_CHANNEL_BRANCH"].flatMap { $0.isEmpty ? nil : $0.uppercased() }
        if let raw = env["LAYAN_OPEN311_JURISDICTION"], !raw.isEmpty {
            guard raw.count <= 100, !raw.contains(where: \.isWhitespace) else { throw SettingsError.invalid("LAYAN_OPEN311_JURISDICTION", raw) }
            settings.open311JurisdictionSetting = raw
        }
        return settings
    }

    private static func basics(_ env: [String: String], flag: (String) -> Bool) throws -> AppSettings {
        AppSettings(
            database: try DatabaseTarget.parse(env["DATABASE_URL"]),
            behindHTTPS: flag("LAYAN_HTTPS"),
            benchmarkRoutes: flag("LAYAN_BENCHMARK_ROUTES"),
            bcryptCost: Int(env["LAYAN_BCRYPT_COST"] ?? "") ?? 12
        ).with(messaging: try MessagingSettings.fromEnvironment(env), jobInterval: try interval(env["LAYAN_JOB_INTERVAL"]),
                   kioskAddresses: addresses(env["LAYAN_KIOSK_ADDRESSES"]),
                   reopenPolicy: ReopenPolicy(reopenWithinDays: try days(env["LAYAN_REOPEN_DAYS"], default: 14)),
                   trustedProxies: addresses(env["LAYAN_TRUSTED_PROXIES"]))
    }

    private static func addresses(_ raw: String?) -> Set<String> {
        Set((raw ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
    }

    private static func days(_ raw: String?, default value: Int) throws -> Int {
        guard let raw, !raw.isEmpty else { return value }
        guard let days = Int(raw), (0...365).contains(days) else { throw SettingsError.invalid("LAYAN_REOPEN_DAYS", raw) }
        return days
    }

    private static func interval(_ raw: String?) throws -> TimeInterval {
        guard let raw, !raw.isEmpty else { return 5 }
        guard let value = Double(raw), value >= 0.1, value <= 3600 else { throw SettingsError.invalid("LAYAN_JOB_INTERVAL", raw) }
        return value
    }

    func with(messaging: MessagingSettings, jobInterval: TimeInterval, kioskAddresses: Set<String>, reopenPolicy: ReopenPolicy,
              trustedProxies: Set<String>) -> AppSettings {
        var copy = self
        copy.messaging = messaging
        copy.jobInterval = jobInterval
        copy.kioskAddresses = kioskAddresses
        copy.reopenPolicy = reopenPolicy
        copy.trustedProxies = trustedProxies
        return copy
    }
}

/// Where the outbox delivers: an SMTP relay for e-mail and an HTTP gateway for SMS (design.md: outbox).
public struct MessagingSettings: Sendable, Equatable {
    /// The agency's SMTP relay; nil holds e-mail in the outbox (retried) until one is set.
    public var smtpHost: String?
    public var smtpPort: Int = 25
    public var mailFrom: String = "layan@localhost"
    /// none, starttls or tls (`LAYAN_SMTP_SECURITY`); by default starttls on port 587, tls on 465, none otherwise.
    public var smtpSecurity: String = "none"
    public var smtpUser: String?
    public var smtpPassword: String?
    /// A PEM file of certificate authorities to trust for the relay (an agency's own CA).
    public var smtpCAFile: String?
    /// An HTTP endpoint that takes `{"to": "60123456789", "message": "…"}`; nil holds SMS the same way.
    public var smsGatewayURL: String?
    public var smsGatewayToken: String?
    /// The address customers reach Layan at, for links in messages.
    public var publicBaseURL: String = "http://localhost:8080"
    public var retry = RetryPolicy()

    public init() {}

    public static func fromEnvironment(_ env: [String: String]) throws -> MessagingSettings {
        var settings = MessagingSettings()
        settings.smtpHost = env["LAYAN_SMTP_HOST"].flatMap { $0.isEmpty ? nil : $0 }
        if let port = env["LAYAN_SMTP_PORT"], !port.isEmpty {
            guard let value = Int(port), (1...65535).contains(value) else { throw SettingsError.invalid("LAYAN_SMTP_PORT", port) }
            settings.smtpPort = value
        }
        let security = env["LAYAN_SMTP_SECURITY"]?.lowercased() ?? ""
        switch security {
        case "": settings.smtpSecurity = settings.smtpPort == 587 ? "starttls" : settings.smtpPort == 465 ? "tls" : "none"
        case "none", "starttls", "tls": settings.smtpSecurity = security
        default: throw SettingsError.invalid("LAYAN_SMTP_SECURITY", security)
        }
        settings.smtpUser = env["LAYAN_SMTP_USER"].flatMap { $0.isEmpty ? nil : $0 }
        settings.smtpPassword = env["LAYAN_SMTP_PASSWORD"]
        settings.smtpCAFile = env["LAYAN_SMTP_CA_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        if let from = env["LAYAN_MAIL_FROM"], !from.isEmpty {
            guard MailMessage.isSafeEnvelopeAddress(from) else { throw SettingsError.invalid("LAYAN_MAIL_FROM", from) }
            settings.mailFrom = from
        }
        settings.smsGatewayURL = env["LAYAN_SMS_URL"].flatMap { $0.isEmpty ? nil : $0 }
        settings.smsGatewayToken = env["LAYAN_SMS_TOKEN"]
        if let base = env["LAYAN_PUBLIC_URL"], !base.isEmpty { settings.publicBaseURL = base.hasSuffix("/") ? String(base.dropLast()) : base }
        return settings
    }
}

extension Application {
    private struct SettingsKey: StorageKey { typealias Value = AppSettings }

    public var settings: AppSettings {
        get { storage[SettingsKey.self] ?? AppSettings() }
        set { storage[SettingsKey.self] = newValue }
    }
}

/// The providers' send APIs for replies into conversations (issue #17, item 3). Base URLs are settings so an agency
/// can go through its own gateway or proxy, and tests through a local stand-in; unset credentials leave a reply
/// waiting in the outbox with "not configured".
public struct ConversationSettings: Sendable {
    /// `LAYAN_TWILIO_API_URL`; Twilio's Messages API is `{url}/2010-04-01/Accounts/{sid}/Messages.json`.
    public var twilioAPIURL = "https://api.twilio.com"
    /// `LAYAN_TWILIO_ACCOUNT_SID`; with `LAYAN_TWILIO_AUTH_TOKEN` the Basic credentials.
    public var twilioAccountSID: String?
    /// `LAYAN_META_GRAPH_URL`: the Graph API with its version, for WhatsApp Cloud API and Messenger sends.
    public var metaGraphURL = "https://graph.facebook.com/v21.0"
    /// `LAYAN_WHATSAPP_TOKEN`: the system user's access token for the WhatsApp Cloud API.
    public var whatsAppToken: String?
    /// `LAYAN_MESSENGER_PAGE_TOKEN`: the Page access token for the Messenger Send API.
    public var messengerPageToken: String?
    /// `LAYAN_X_API_URL`; direct messages are `{url}/2/dm_conversations/with/{id}/messages`.
    public var xAPIURL = "https://api.x.com"
    /// `LAYAN_X_ACCESS_TOKEN`: an OAuth 2.0 user-context token of the agency's account (scope `dm.write`).
    public var xAccessToken: String?

    public init() {}

    init(_ env: [String: String]) throws {
        func value(_ name: String) -> String? { env[name].flatMap { $0.isEmpty ? nil : $0 } }
        func url(_ name: String, _ fallback: String) throws -> String {
            guard let raw = value(name) else { return fallback }
            guard let parsed = URL(string: raw), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
                throw SettingsError.invalid(name, raw)
            }
            return raw.hasSuffix("/") ? String(raw.dropLast()) : raw
        }
        twilioAPIURL = try url("LAYAN_TWILIO_API_URL", twilioAPIURL)
        twilioAccountSID = value("LAYAN_TWILIO_ACCOUNT_SID")
        metaGraphURL = try url("LAYAN_META_GRAPH_URL", metaGraphURL)
        whatsAppToken = value("LAYAN_WHATSAPP_TOKEN")
        messengerPageToken = value("LAYAN_MESSENGER_PAGE_TOKEN")
        xAPIURL = try url("LAYAN_X_API_URL", xAPIURL)
        xAccessToken = value("LAYAN_X_ACCESS_TOKEN")
    }
}
