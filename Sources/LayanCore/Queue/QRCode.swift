/// A QR code encoder (ISO/IEC 18004), byte mode, versions 1–40 limited here to 1–10 (up to 216 bytes at
/// level M: more than any ticket-status link needs). No QR library is available to us, so the encoder is
/// ours; the tests prove it by decoding its SVG with zbar, a real decoder. Structure after Project Nayuki's
/// reference implementation: function patterns, Reed–Solomon error correction, zigzag placement, the mask
/// with the lowest penalty.
public struct QRCode: Sendable, Equatable {
    public enum ErrorCorrection: Int, Sendable, CaseIterable {
        case low = 0, medium, quartile, high

        /// The two format bits of the level.
        var formatBits: Int { [1, 0, 3, 2][rawValue] }
    }

    public enum EncodingError: Error, Equatable { case tooLong(bytes: Int) }

    public let version: Int
    public let size: Int
    public let errorCorrection: ErrorCorrection
    public let mask: Int
    /// `modules[y][x]`: true is dark.
    public let modules: [[Bool]]

    static let maxVersion = 10

    // Per level, per version (index 0 unused): error-correction codewords per block, and number of blocks.
    static let eccCodewordsPerBlock: [[Int]] = [
        [-1, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18],
        [-1, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26],
        [-1, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24],
        [-1, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28],
    ]
    static let errorCorrectionBlocks: [[Int]] = [
        [-1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4],
        [-1, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5],
        [-1, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8],
        [-1, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8],
    ]

    /// Encodes `text` as UTF-8 bytes in the smallest version that fits.
    public init(text: String, errorCorrection: ErrorCorrection = .medium) throws {
        let bytes = Array(text.utf8)
        var chosen: Int?
        for version in 1...Self.maxVersion {
            let countBits = version <= 9 ? 8 : 16
            if 4 + countBits + bytes.count * 8 <= Self.dataCodewords(version, errorCorrection) * 8 { chosen = version; break }
        }
        guard let version = chosen else { throw EncodingError.tooLong(bytes: bytes.count) }

        // Data bits: mode, count, bytes, terminator, padding.
        var bits = BitBuffer()
        bits.append(0b0100, count: 4)
        bits.append(bytes.count, count: version <= 9 ? 8 : 16)
        for byte in bytes { bits.append(Int(byte), count: 8) }
        let capacity = Self.dataCodewords(version, errorCorrection) * 8
        bits.append(0, count: min(4, capacity - bits.count))
        bits.append(0, count: (8 - bits.count % 8) % 8)
        var padByte = 0xEC
        while bits.count < capacity { bits.append(padByte, count: 8); padByte ^= 0xEC ^ 0x11 }
        var data = [UInt8](repeating: 0, count: bits.count / 8)
        for (i, bit) in bits.bits.enumerated() where bit { data[i >> 3] |= UInt8(1 << (7 - (i & 7))) }

        var grid = Grid(version: version)
        grid.drawFunctionPatterns(errorCorrection: errorCorrection)
        grid.drawCodewords(Self.addErrorCorrection(data, version: version, level: errorCorrection))

        // Choose the mask with the lowest penalty.
        var best: (penalty: Int, mask: Int, grid: Grid)?
        for mask in 0..<8 {
            var candidate = grid
            candidate.apply(mask: mask)
            candidate.drawFormatBits(errorCorrection: errorCorrection, mask: mask)
            let penalty = candidate.penalty()
            if best == nil || penalty < best!.penalty { best = (penalty, mask, candidate) }
        }
        self.version = version
        self.size = grid.size
        self.errorCorrection = errorCorrection
        self.mask = best!.mask
        self.modules = best!.grid.modules
    }

    /// An SVG image with the standard 4-module quiet zone; `moduleSize` is the side of a module in the
    /// SVG's user units (CSS pixels by default).
    public func svg(moduleSize: Int = 4, title: String? = nil) -> String {
        let border = 4, side = size + 2 * border
        var path = ""
        for y in 0..<size {
            for x in 0..<size where modules[y][x] { path += "M\(x + border),\(y + border)h1v1h-1z" }
        }
        let label = title.map { "<title>\(Self.escape($0))</title>" } ?? ""
        return """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(side) \(side)" width="\(side * moduleSize)" height="\(side * moduleSize)" \
            shape-rendering="crispEdges" role="img">\(label)<rect width="100%" height="100%" fill="#fff"/><path d="\(path)" fill="#000"/></svg>
            """
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    // MARK: capacity

    static func rawDataModules(_ version: Int) -> Int {
        var result = (16 * version + 128) * version + 64
        if version >= 2 {
            let alignments = version / 7 + 2
            result -= (25 * alignments - 10) * alignments - 55
            if version >= 7 { result -= 36 }
        }
        return result
    }

    static func dataCodewords(_ version: Int, _ level: ErrorCorrection) -> Int {
        rawDataModules(version) / 8 - eccCodewordsPerBlock[level.rawValue][version] * errorCorrectionBlocks[level.rawValue][version]
    }

    // MARK: error correction

    static func addErrorCorrection(_ data: [UInt8], version: Int, level: ErrorCorrection) -> [UInt8] {
        let blocks = errorCorrectionBlocks[level.rawValue][version]
        let eccLength = eccCodewordsPerBlock[level.rawValue][version]
        let raw = rawDataModules(version) / 8
        let shortBlocks = blocks - raw % blocks
        let shortLength = raw / blocks
        let divisor = ReedSolomon.divisor(degree: eccLength)
        var result: [[UInt8]] = []
        var offset = 0
        for i in 0..<blocks {
            let length = shortLength - eccLength + (i < shortBlocks ? 0 : 1)
            var block = Array(data[offset..<(offset + length)])
            offset += length
            let ecc = ReedSolomon.remainder(block, divisor: divisor)
            if i < shortBlocks { block.append(0) }
            result.append(block + ecc)
        }
        var interleaved: [UInt8] = []
        for i in 0..<result[0].count {
            for (j, block) in result.enumerated() where i != shortLength - eccLength || j >= shortBlocks {
                interleaved.append(block[i])
            }
        }
        return interleaved
    }
}

struct BitBuffer {
    var bits: [Bool] = []
    var count: Int { bits.count }

    mutating func append(_ value: Int, count: Int) {
        guard count > 0 else { return }
        for i in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> i) & 1 == 1) }
    }
}

enum ReedSolomon {
    static func multiply(_ x: UInt8, _ y: UInt8) -> UInt8 {
        var z = 0
        for i in stride(from: 7, through: 0, by: -1) {
            z = (z << 1) ^ ((z >> 7) * 0x11D)
            z ^= Int((y >> UInt8(i)) & 1) * Int(x)
        }
        return UInt8(z & 0xFF)
    }

    static func divisor(degree: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: degree)
        result[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            for j in 0..<degree {
                result[j] = multiply(result[j], root)
                if j + 1 < degree { result[j] ^= result[j + 1] }
            }
            root = multiply(root, 0x02)
        }
        return result
    }

    static func remainder(_ data: [UInt8], divisor: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: divisor.count)
        for byte in data {
            let factor = byte ^ result.removeFirst()
            result.append(0)
            for i in 0..<result.count { result[i] ^= multiply(divisor[i], factor) }
        }
        return result
    }
}

/// The module grid while it is being drawn.
struct Grid {
    let version: Int
    let size: Int
    var modules: [[Bool]]
    var isFunction: [[Bool]]

    init(version: Int) {
        self.version = version
        size = version * 4 + 17
        modules = Array(repeating: Array(repeating: false, count: size), count: size)
        isFunction = modules
    }

    mutating func set(_ x: Int, _ y: Int, _ dark: Bool) {
        modules[y][x] = dark
        isFunction[y][x] = true
    }

    func alignmentPositions() -> [Int] {
        guard version > 1 else { return [] }
        let count = version / 7 + 2
        let step = (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2
        var result = [6]
        var position = size - 7
        while result.count < count {
            result.insert(position, at: 1)
            position -= step
        }
        return result
    }

    mutating func drawFunctionPatterns(errorCorrection: QRCode.ErrorCorrection) {
        for i in 0..<size {
            set(6, i, i % 2 == 0)
            set(i, 6, i % 2 == 0)
        }
        for (cx, cy) in [(3, 3), (size - 4, 3), (3, size - 4)] {
            for dy in -4...4 {
                for dx in -4...4 {
                    let x = cx + dx, y = cy + dy
                    guard (0..<size).contains(x), (0..<size).contains(y) else { continue }
                    let distance = max(abs(dx), abs(dy))
                    set(x, y, distance != 2 && distance != 4)
                }
            }
        }
        let positions = alignmentPositions()
        let last = positions.count - 1
        for (i, x) in positions.enumerated() {
            for (j, y) in positions.enumerated() where !((i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0)) {
                for dy in -2...2 { for dx in -2...2 { set(x + dx, y + dy, max(abs(dx), abs(dy)) != 1) } }
            }
        }
        drawFormatBits(errorCorrection: errorCorrection, mask: 0)  // reserved now, rewritten after masking
        if version >= 7 {
            var remainder = version
            for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
            let bits = version << 12 | remainder
            for i in 0..<18 {
                let dark = (bits >> i) & 1 == 1
                let a = size - 11 + i % 3, b = i / 3
                set(a, b, dark)
                set(b, a, dark)
            }
        }
    }

    mutating func drawFormatBits(errorCorrection: QRCode.ErrorCorrection, mask: Int) {
        let data = errorCorrection.formatBits << 3 | mask
        var remainder = data
        for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
        let bits = (data << 10 | remainder) ^ 0x5412
        func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
        for i in 0...5 { set(8, i, bit(i)) }
        set(8, 7, bit(6))
        set(8, 8, bit(7))
        set(7, 8, bit(8))
        for i in 9..<15 { set(14 - i, 8, bit(i)) }
        for i in 0..<8 { set(size - 1 - i, 8, bit(i)) }
        for i in 8..<15 { set(8, size - 15 + i, bit(i)) }
        set(8, size - 8, true)
    }

    mutating func drawCodewords(_ data: [UInt8]) {
        var i = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            for vertical in 0..<size {
                for j in 0..<2 {
                    let x = right - j
                    let upward = (right + 1) & 2 == 0
                    let y = upward ? size - 1 - vertical : vertical
                    if !isFunction[y][x] && i < data.count * 8 {
                        modules[y][x] = (data[i >> 3] >> UInt8(7 - (i & 7))) & 1 == 1
                        i += 1
                    }
                }
            }
            right -= 2
        }
    }

    mutating func apply(mask: Int) {
        for y in 0..<size {
            for x in 0..<size where !isFunction[y][x] {
                let invert: Bool
                switch mask {
                case 0: invert = (x + y) % 2 == 0
                case 1: invert = y % 2 == 0
                case 2: invert = x % 3 == 0
                case 3: invert = (x + y) % 3 == 0
                case 4: invert = (x / 3 + y / 2) % 2 == 0
                case 5: invert = x * y % 2 + x * y % 3 == 0
                case 6: invert = (x * y % 2 + x * y % 3) % 2 == 0
                default: invert = ((x + y) % 2 + x * y % 3) % 2 == 0
                }
                if invert { modules[y][x].toggle() }
            }
        }
    }

    /// The standard penalty: long runs, 2×2 blocks, finder-like patterns, and imbalance of dark and light.
    func penalty() -> Int {
        var result = 0
        let finderLike: [[Bool]] = [
            [true, false, true, true, true, false, true, false, false, false, false],
            [false, false, false, false, true, false, true, true, true, false, true],
        ]
        for horizontal in [true, false] {
            for a in 0..<size {
                var runColor = false, runLength = 0
                var line: [Bool] = []
                for b in 0..<size {
                    let dark = horizontal ? modules[a][b] : modules[b][a]
                    line.append(dark)
                    if b > 0 && dark == runColor {
                        runLength += 1
                        if runLength == 5 { result += 3 } else if runLength > 5 { result += 1 }
                    } else {
                        runColor = dark
                        runLength = 1
                    }
                }
                if size >= 11 {
                    for start in 0...(size - 11) {
                        let window = Array(line[start..<(start + 11)])
                        if finderLike.contains(window) { result += 40 }
                    }
                }
            }
        }
        for y in 0..<(size - 1) {
            for x in 0..<(size - 1) {
                let c = modules[y][x]
                if c == modules[y][x + 1] && c == modules[y + 1][x] && c == modules[y + 1][x + 1] { result += 3 }
            }
        }
        let dark = modules.reduce(0) { $0 + $1.filter { $0 }.count }
        let total = size * size
        let k = (abs(dark * 20 - total * 10) + total - 1) / total - 1
        return result + k * 10
    }
}
