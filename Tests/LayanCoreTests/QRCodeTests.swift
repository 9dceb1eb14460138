import Foundation
import Testing
@testable import LayanCore

@Suite struct QRCodeTests {
    /// Writes the SVG, renders it to PNG with rsvg-convert and decodes it with zbarimg (both from Debian,
    /// installed by scripts/test). Returns what the real decoder read.
    func decode(_ svg: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let svgURL = dir.appendingPathComponent("code.svg"), png = dir.appendingPathComponent("code.png")
        try svg.write(to: svgURL, atomically: true, encoding: .utf8)
        _ = try run("/usr/bin/rsvg-convert", ["-o", png.path, svgURL.path])
        return try run("/usr/bin/zbarimg", ["--raw", "-q", "-Sbinary", png.path])
    }

    func run(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test(arguments: [
        "A012",
        "https://layan.example.gov.my/q/t/5f2b1c9e-8a4d-4f7e-9b3a-2c1d0e9f8a7b?k=Zm9vYmFyYmF6cXV4",
        "Nombor giliran: A012 — sila ke kaunter 3",
    ])
    func realDecoderReadsWhatWeEncoded(text: String) throws {
        let code = try QRCode(text: text)
        let decoded = try decode(code.svg())
        #expect(decoded.trimmingCharacters(in: .newlines) == text)
    }

    @Test func everyVersionAndLevelDecodes() throws {
        for level in QRCode.ErrorCorrection.allCases {
            for version in 1...QRCode.maxVersion {
                // the longest text that still fits this version
                let capacity = QRCode.dataCodewords(version, level) - (version <= 9 ? 2 : 3)
                let text = String((0..<capacity).map { i in Character(UnicodeScalar(UInt8(65 + (i * 7 + version) % 26))) })
                let code = try QRCode(text: text, errorCorrection: level)
                #expect(code.version == version, "\(level) v\(version)")
                #expect(try decode(code.svg()).trimmingCharacters(in: .newlines) == text, "\(level) v\(version)")
            }
        }
    }

    @Test func knownCapacities() {
        // ISO/IEC 18004 table 7: data codewords at level M
        #expect((1...10).map { QRCode.dataCodewords($0, .medium) } == [16, 28, 44, 64, 86, 108, 124, 154, 182, 216])
    }

    @Test func tooLongIsAnError() {
        #expect(throws: QRCode.EncodingError.tooLong(bytes: 300)) { try QRCode(text: String(repeating: "x", count: 300)) }
    }

    @Test func svgEscapesItsTitle() throws {
        let svg = try QRCode(text: "x").svg(title: "<A012 & co>")
        #expect(svg.contains("<title>&lt;A012 &amp; co&gt;</title>"))
    }
}
