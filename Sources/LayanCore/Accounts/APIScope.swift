/// What an API token may do. A token carries one or more scopes; each API route needs one.
public enum APIScope: String, CaseIterable, Sendable, Codable {
    case directoryRead = "directory:read"

    /// The staff permission that gives the same access through a signed-in browser session.
    public var permission: Permission {
        switch self {
        case .directoryRead: .viewDirectory
        }
    }

    public var catalogueKey: String { "scope.\(rawValue.replacingOccurrences(of: ":", with: "_"))" }
}
