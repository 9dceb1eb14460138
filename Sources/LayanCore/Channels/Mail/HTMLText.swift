/// HTML mail as plain text for a case (issue #17, item 2): the words a person reads, block elements as line breaks,
/// list items as bullets, links with their address, entities decoded; scripts, styles and the head dropped. The result
/// is only ever shown escaped, so nothing in it can run.
public enum HTMLText {
    public static func plain(_ html: String) -> String {
        var output = ""
        var index = html.startIndex
        var skipping: String?     // inside <script>, <style>, <head>, <title>: until its end tag
        var pendingHref: String?
        while index < html.endIndex {
            let character = html[index]
            if character == "<" {
                if html[index...].hasPrefix("<!--") {
                    index = html[index...].range(of: "-->")?.upperBound ?? html.endIndex
                    continue
                }
                guard let close = html[index...].firstIndex(of: ">") else { break }
                let tag = html[html.index(after: index)..<close]
                index = html.index(after: close)
                let isEnd = tag.hasPrefix("/")
                let name = tag.drop(while: { $0 == "/" }).prefix(while: { $0.isLetter || $0.isNumber }).lowercased()
                if let skip = skipping {
                    if isEnd && name == skip { skipping = nil }
                    continue
                }
                switch name {
                case "script", "style", "head", "title", "noscript", "template":
                    if !isEnd && !tag.hasSuffix("/") { skipping = name }
                case "br":
                    output += "\n"
                case "p", "div", "tr", "table", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "pre", "section", "article", "hr":
                    output += "\n"
                case "li":
                    if !isEnd { output += "\n• " }
                case "td", "th":
                    if !isEnd { output += " " }
                case "a":
                    if isEnd {
                        if let href = pendingHref { output += " (\(href))" }
                        pendingHref = nil
                    } else {
                        pendingHref = attribute("href", in: tag).flatMap { $0.hasPrefix("http") || $0.hasPrefix("mailto:") ? $0 : nil }
                    }
                default:
                    break
                }
                continue
            }
            if skipping != nil { index = html.index(after: index); continue }
            if character == "&", let (decoded, end) = entity(at: index, in: html) {
                output += decoded
                index = end
                continue
            }
            // HTML white space collapses; line breaks come only from elements.
            if character.isWhitespace {
                if !(output.last.map { $0 == " " || $0 == "\n" } ?? true) { output += " " }
            } else {
                output.append(character)
            }
            index = html.index(after: index)
        }
        return MailText.cleaned(output.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "\n"))
    }

    private static func attribute(_ name: String, in tag: Substring) -> String? {
        guard let range = tag.range(of: "\(name)=", options: .caseInsensitive) else { return nil }
        var rest = tag[range.upperBound...]
        if let quote = rest.first, quote == "\"" || quote == "'" {
            rest = rest.dropFirst()
            return rest.prefix(while: { $0 != quote }).description
        }
        return rest.prefix(while: { !$0.isWhitespace }).description
    }

    private static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "copy": "©", "reg": "®", "trade": "™",
        "hellip": "…", "mdash": "—", "ndash": "–", "lsquo": "‘", "rsquo": "’", "ldquo": "“", "rdquo": "”", "bull": "•",
        "euro": "€", "pound": "£", "middot": "·", "laquo": "«", "raquo": "»", "deg": "°", "times": "×",
    ]

    private static func entity(at start: String.Index, in html: String) -> (String, String.Index)? {
        let body = html[html.index(after: start)...].prefix(12)
        guard let semicolon = body.firstIndex(of: ";") else { return nil }
        let name = body[..<semicolon]
        let end = html.index(after: semicolon)
        if name.hasPrefix("#") {
            let digits = name.dropFirst()
            let value = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            guard let value, let scalar = Unicode.Scalar(value), value >= 0x20 || value == 0x0A else { return nil }
            return (String(Character(scalar)), end)
        }
        return named[name.lowercased()].map { ($0, end) }
    }
}

/// The new words of a reply, without the message it quotes (`On … wrote:`, `Pada … menulis:`, Outlook's
/// `-----Original Message-----`, `>` lines): what the officer needs on the case's timeline.
public enum QuotedReply {
    public static func newText(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var cut = lines.count
        for (index, line) in lines.enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            let lower = trimmed.lowercased()
            let isAttribution = (lower.hasPrefix("on ") && lower.hasSuffix("wrote:")) || (lower.hasPrefix("pada ") && lower.hasSuffix("menulis:"))
                || lower.hasPrefix("-----original message-----") || lower.hasPrefix("-----mesej asal-----")
                || lower == "________________________________"
            let quotesToEnd = trimmed.hasPrefix(">") && lines[index...].allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty || $0.hasPrefix(">") }
            if isAttribution || quotesToEnd { cut = index; break }
        }
        let kept = lines[..<cut].joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        return kept.isEmpty ? text : kept
    }
}
