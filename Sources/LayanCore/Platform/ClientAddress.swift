import Foundation

/// Who is really asking, behind a reverse proxy. Only a proxy the agency trusts may say who its client is
/// (X-Forwarded-For); anyone else could write any address there and dodge the per-address limits.
public enum ClientAddress {
    /// The peer itself, unless it is a trusted proxy: then the right-most address in X-Forwarded-For that is not
    /// a trusted proxy (each proxy appends the address it saw).
    public static func resolve(peer: String, forwardedFor: [String], trustedProxies: Set<String>) -> String {
        guard trustedProxies.contains(peer) else { return peer }
        let chain = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return chain.last(where: { !trustedProxies.contains($0) }) ?? chain.first ?? peer
    }
}
