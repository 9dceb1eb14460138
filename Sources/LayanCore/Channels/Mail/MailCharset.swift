import Foundation

/// Text in the charset a message names (RFC 2045 §2.2, RFC 2046 §4.1.2). UTF-8, US-ASCII, ISO-8859-1 and
/// Windows-1252 are decoded here so they read the same on every platform; other charsets through Foundation where it
/// has them. An unknown or wrong label is read as UTF-8 when the bytes are valid UTF-8, else as Windows-1252 — the
/// usual truth behind a mislabelled message — so no text is ever lost.
public enum MailCharset {
    public static func decode(_ bytes: [UInt8], charset label: String?) -> String {
        let name = (label ?? "us-ascii").trimmingCharacters(in: CharacterSet(charactersIn: "\" \t")).lowercased()
        switch name {
        case "utf-8", "utf8", "us-ascii", "ascii", "ansi_x3.4-1968", "":
            return utf8OrWindows1252(bytes)
        case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "iso_8859-1", "windows-1252", "cp1252", "x-cp1252":
            // ISO-8859-1's C1 controls (0x80–0x9F) never appear in real text; mail that says Latin-1 means Windows-1252 (WHATWG Encoding).
            return windows1252(bytes)
        default:
            if let encoding = foundationEncoding(name), let text = String(data: Data(bytes), encoding: encoding) { return text }
            return utf8OrWindows1252(bytes)
        }
    }

    private static func utf8OrWindows1252(_ bytes: [UInt8]) -> String {
        String(validating: bytes, as: UTF8.self) ?? windows1252(bytes)
    }

    /// Windows-1252: Latin-1 with printable characters in 0x80–0x9F.
    static func windows1252(_ bytes: [UInt8]) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            if byte >= 0x80 && byte <= 0x9F, let scalar = Unicode.Scalar(upper[Int(byte - 0x80)]), upper[Int(byte - 0x80)] != 0 {
                scalars.append(scalar)
            } else {
                scalars.append(Unicode.Scalar(byte))
            }
        }
        return String(scalars)
    }

    /// 0x80–0x9F in Windows-1252 (0 where the code page leaves a hole, kept as the Latin-1 control).
    private static let upper: [UInt32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
    ]

    private static func foundationEncoding(_ name: String) -> String.Encoding? {
        switch name {
        case "iso-8859-2", "iso8859-2", "latin2": .isoLatin2
        case "windows-1250", "cp1250": .windowsCP1250
        case "windows-1251", "cp1251": .windowsCP1251
        case "windows-1253", "cp1253": .windowsCP1253
        case "windows-1254", "cp1254": .windowsCP1254
        case "utf-16": .utf16
        case "utf-16le": .utf16LittleEndian
        case "utf-16be": .utf16BigEndian
        case "iso-2022-jp": .iso2022JP
        case "shift_jis", "shift-jis", "sjis", "x-sjis", "cp932", "windows-31j": .shiftJIS
        case "euc-jp": .japaneseEUC
        default: nil
        }
    }
}

/// Content-Transfer-Encoding (RFC 2045 §6): quoted-printable and base64, decoded leniently — a stray character or a
/// missing pad is skipped, as mail clients do, rather than failing the part.
public enum TransferEncoding {
    public static func decode(_ bytes: ArraySlice<UInt8>, encoding: String?) -> [UInt8] {
        switch (encoding ?? "").trimmingCharacters(in: .whitespaces).lowercased() {
        case "base64": base64(Array(bytes))
        case "quoted-printable": quotedPrintable(Array(bytes), underscoreIsSpace: false)
        default: Array(bytes)
        }
    }

    public static func base64(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 3 / 4)
        var buffer: UInt32 = 0
        var count = 0
        // A last quantum of 2 or 3 characters, before padding or at the end (padding dropped or missing).
        func flush() {
            if count == 2 { output.append(UInt8(buffer >> 4 & 0xFF)) }
            if count == 3 { output += [UInt8(buffer >> 10 & 0xFF), UInt8(buffer >> 2 & 0xFF)] }
            (buffer, count) = (0, 0)
        }
        for byte in bytes {
            let value: UInt8
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = byte - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = byte - UInt8(ascii: "a") + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = byte - UInt8(ascii: "0") + 52
            case UInt8(ascii: "+"), UInt8(ascii: "-"): value = 62
            case UInt8(ascii: "/"), UInt8(ascii: "_"): value = 63
            case UInt8(ascii: "="): flush(); continue
            default: continue
            }
            buffer = buffer << 6 | UInt32(value)
            count += 1
            if count == 4 {
                output += [UInt8(buffer >> 16 & 0xFF), UInt8(buffer >> 8 & 0xFF), UInt8(buffer & 0xFF)]
                (buffer, count) = (0, 0)
            }
        }
        flush()
        return output
    }

    /// Quoted-printable; in an encoded word (`underscoreIsSpace`) `_` is a space (RFC 2047 §4.2).
    public static func quotedPrintable(_ bytes: [UInt8], underscoreIsSpace: Bool) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            default: nil
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "=") {
                // A soft line break: `=` then optional trailing white space, then the line end.
                var next = index + 1
                while next < bytes.count && (bytes[next] == 0x20 || bytes[next] == 0x09) { next += 1 }
                if next < bytes.count && bytes[next] == 0x0D { next += 1 }
                if next < bytes.count && bytes[next] == 0x0A { index = next + 1; continue }
                if next >= bytes.count { index = next; continue }
                if index + 2 < bytes.count, let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2]) {
                    output.append(high << 4 | low)
                    index += 3
                    continue
                }
                output.append(byte)
            } else if underscoreIsSpace && byte == UInt8(ascii: "_") {
                output.append(0x20)
            } else {
                output.append(byte)
            }
            index += 1
        }
        return output
    }
}

/// Clean text out of a message: line ends as `\n`, no control characters but tab, no trailing blanks on a line.
public enum MailText {
    public static func cleaned(_ text: String) -> String {
        // One pass over the UTF-8 bytes (a 20 KB message is read per arrival): appending scalar by scalar to a String
        // was a third of the e-mail intake's CPU. Every rule here is about ASCII and the C1 controls (U+0080–U+009F,
        // the bytes C2 80…C2 9F), so a character of several bytes is copied whole.
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var blanks: [UInt8] = []   // spaces and tabs not yet known to be inside a line
        var newlines = 0
        var afterCR = false
        var started = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A && afterCR { afterCR = false; index += 1; continue }
            afterCR = byte == 0x0D
            if byte == 0x0A || byte == 0x0D {
                blanks.removeAll(keepingCapacity: true)   // trailing blanks of the line end with it
                newlines += 1
                index += 1
                continue
            }
            if byte == 0x20 || byte == 0x09 { blanks.append(byte); index += 1; continue }
            if byte < 0x20 || byte == 0x7F { index += 1; continue }
            if byte == 0xC2, index + 1 < bytes.count, (0x80...0x9F).contains(bytes[index + 1]) { index += 2; continue }
            let width = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
            if started {
                // Runs of blank lines become one.
                if newlines > 0 { output.append(0x0A) }
                if newlines > 1 { output.append(0x0A) }
                output.append(contentsOf: blanks)
            }
            blanks.removeAll(keepingCapacity: true)
            newlines = 0
            started = true
            output.append(contentsOf: bytes[index..<min(bytes.count, index + width)])
            index += width
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// A header value on one line: no control characters, white space runs as one space.
    public static func singleLine(_ text: String) -> String {
        let scalars = text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) }
        return String(scalars).split(whereSeparator: { $0 == " " }).joined(separator: " ")
    }
}
