/// Malaysia's 13 states and 3 federal territories, by their usual three-letter codes. The state decides a
/// branch's weekend and public holidays.
public enum MalaysianState: String, CaseIterable, Sendable, Codable {
    case johor = "JHR"
    case kedah = "KDH"
    case kelantan = "KTN"
    case melaka = "MLK"
    case negeriSembilan = "NSN"
    case pahang = "PHG"
    case pulauPinang = "PNG"
    case perak = "PRK"
    case perlis = "PLS"
    case sabah = "SBH"
    case sarawak = "SWK"
    case selangor = "SGR"
    case terengganu = "TRG"
    case kualaLumpur = "KUL"
    case labuan = "LBN"
    case putrajaya = "PJY"

    /// The state's name as Malaysians write it (the same in both interface languages).
    public var name: String {
        switch self {
        case .johor: "Johor"
        case .kedah: "Kedah"
        case .kelantan: "Kelantan"
        case .melaka: "Melaka"
        case .negeriSembilan: "Negeri Sembilan"
        case .pahang: "Pahang"
        case .pulauPinang: "Pulau Pinang"
        case .perak: "Perak"
        case .perlis: "Perlis"
        case .sabah: "Sabah"
        case .sarawak: "Sarawak"
        case .selangor: "Selangor"
        case .terengganu: "Terengganu"
        case .kualaLumpur: "W.P. Kuala Lumpur"
        case .labuan: "W.P. Labuan"
        case .putrajaya: "W.P. Putrajaya"
        }
    }

    public var isFederalTerritory: Bool { [.kualaLumpur, .labuan, .putrajaya].contains(self) }

    /// Accepts a code ("KTN"), a name ("Kelantan", "kuala lumpur") or a common alias ("Penang", "KL").
    public init?(lenient text: String) {
        let folded = text.trimmingCharacters(in: .whitespaces).lowercased()
            .replacingOccurrences(of: "w.p. ", with: "").replacingOccurrences(of: "wilayah persekutuan ", with: "")
        if let byCode = MalaysianState(rawValue: folded.uppercased()) { self = byCode; return }
        if let byName = MalaysianState.allCases.first(where: {
            $0.name.lowercased().replacingOccurrences(of: "w.p. ", with: "") == folded
        }) { self = byName; return }
        let aliases: [String: MalaysianState] = [
            "penang": .pulauPinang, "kl": .kualaLumpur, "malacca": .melaka, "n. sembilan": .negeriSembilan,
            "ns": .negeriSembilan, "pinang": .pulauPinang,
        ]
        guard let alias = aliases[folded] else { return nil }
        self = alias
    }
}
