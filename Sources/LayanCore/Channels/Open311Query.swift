import Foundation

/// The pairs of an `application/x-www-form-urlencoded` body or query string, in order, repeats kept
/// (`attribute[colour][]=red&attribute[colour][]=blue`), which a keyed decoder would refuse or fold.
public enum FormPairs {
    /// Nil when a name or value is not percent-encoded UTF-8.
    public static func parse(_ text: Substring) -> [(name: String, value: String)]? {
        var pairs: [(String, String)] = []
        for part in text.split(separator: "&", omittingEmptySubsequences: true) {
            let halves = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(halves[0]), let value = decode(halves.count > 1 ? halves[1] : "") else { return nil }
            pairs.append((name, value))
        }
        return pairs
    }

    static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}

/// A service request as a client posts it (GeoReport v2 `POST requests`), read from its form pairs.
public struct Open311Submission: Sendable, Equatable {
    public var apiKey: String?
    public var jurisdictionID: String?
    public var serviceCode: String?
    public var latitude: String?
    public var longitude: String?
    public var addressString: String?
    public var addressID: String?
    public var email: String?
    public var deviceID: String?
    public var accountID: String?
    public var firstName: String?
    public var lastName: String?
    public var phone: String?
    public var description: String?
    public var mediaURL: String?
    /// `attribute[CODE]` values by code; a multivaluelist sends `attribute[CODE][]` once per value.
    public var attributes: [String: [String]] = [:]

    public init(pairs: [(name: String, value: String)]) {
        func value(_ name: String) -> String? {
            pairs.last { $0.name == name }?.value.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
        }
        apiKey = value("api_key"); jurisdictionID = value("jurisdiction_id"); serviceCode = value("service_code")
        latitude = value("lat"); longitude = value("long"); addressString = value("address_string"); addressID = value("address_id")
        email = value("email"); deviceID = value("device_id"); accountID = value("account_id")
        firstName = value("first_name"); lastName = value("last_name"); phone = value("phone")
        description = value("description"); mediaURL = value("media_url")
        for (name, answer) in pairs where name.hasPrefix("attribute[") {
            var code = name.dropFirst("attribute[".count)
            if code.hasSuffix("][]") { code = code.dropLast(3) } else if code.hasSuffix("]") { code = code.dropLast() } else { continue }
            attributes[String(code), default: []].append(answer)
        }
    }

    /// Where the request is: a point, an address, or the jurisdiction's address id. The spec wants one of them.
    public struct Location: Sendable, Equatable {
        public var latitude: Double?
        public var longitude: Double?
        public var address: String?
        public var addressID: String?
    }

    /// The location, or the spec's 400 naming what is wrong with it.
    public func location() -> Result<Location, Open311Error> {
        var location = Location(address: addressString, addressID: addressID)
        if latitude != nil || longitude != nil {
            // WGS84 degrees; a point outside the globe is a client's mistake, not a place.
            guard let lat = latitude.flatMap(Double.init), let long = longitude.flatMap(Double.init),
                  (-90...90).contains(lat), (-180...180).contains(long) else {
                return .failure(Open311Error(400, "lat and long must both be given, as WGS84 decimal degrees"))
            }
            (location.latitude, location.longitude) = (lat, long)
        }
        guard location.latitude != nil || location.address != nil || location.addressID != nil else {
            return .failure(Open311Error(400, "A location is required: lat and long, address_string or address_id"))
        }
        if let address = location.address, address.count > 500 { return .failure(Open311Error(400, "address_string is too long")) }
        if let id = location.addressID, id.count > 100 { return .failure(Open311Error(400, "address_id is too long")) }
        return .success(location)
    }

    /// The spec's limit on `description`.
    public static let descriptionLimit = 4000
}

/// Which requests `GET requests` returns (GeoReport v2): by id (which overrides every other filter), or by
/// service codes, statuses and a window of at most 90 days — the last 90 days when none is given — newest first,
/// at most 1,000.
public struct Open311RequestQuery: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable { case open, closed }

    public var ids: [String]?
    public var serviceCodes: [String]?
    public var statuses: [Status]?
    public var start: Date
    public var end: Date

    public init(ids: [String]? = nil, serviceCodes: [String]? = nil, statuses: [Status]? = nil, start: Date, end: Date) {
        (self.ids, self.serviceCodes, self.statuses, self.start, self.end) = (ids, serviceCodes, statuses, start, end)
    }

    public static let maximumDays = 90
    public static let maximumRequests = 1000
    static let window = TimeInterval(maximumDays * 86_400)

    /// The query, or the spec's 400 with every problem named.
    public static func read(_ parameter: (String) -> String?, now: Date) -> Result<Open311RequestQuery, Open311Error> {
        func list(_ name: String) -> [String]? {
            let items = (parameter(name) ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            return items.isEmpty ? nil : items
        }
        var problems: [String] = []
        let ids = list("service_request_id")
        var statuses: [Status]?
        if let raw = list("status") {
            statuses = raw.compactMap { Status(rawValue: $0.lowercased()) }
            if statuses!.count != raw.count { problems.append("status must be open, closed or both") }
        }
        func date(_ name: String) -> Date? {
            guard let raw = parameter(name)?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            guard let date = W3CDateTime.parse(raw) else { problems.append("\(name) must be a date and time in ISO 8601 with a time zone"); return nil }
            return date
        }
        let from = date("start_date"), to = date("end_date")
        let start: Date, end: Date
        switch (from, to) {
        case let (from?, to?): (start, end) = (from, to)
        case let (from?, nil): (start, end) = (from, min(now, from.addingTimeInterval(window)))
        case let (nil, to?): (start, end) = (to.addingTimeInterval(-window), to)
        case (nil, nil): (start, end) = (now.addingTimeInterval(-window), now)
        }
        if ids == nil {
            if start > end { problems.append("start_date must be before end_date") }
            if end.timeIntervalSince(start) > window { problems.append("start_date and end_date may not be more than 90 days apart") }
        }
        if let ids, ids.count > maximumRequests { problems.append("At most 1000 service_request_id values") }
        guard problems.isEmpty else { return .failure(Open311Error(400, all: problems)) }
        return .success(Open311RequestQuery(ids: ids, serviceCodes: list("service_code"), statuses: statuses, start: start, end: end))
    }
}
