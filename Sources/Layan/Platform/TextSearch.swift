import SQLKit

/// Word search with LIKE on both engines: every word must appear in one of the columns, case-insensitively,
/// with "%" and "_" typed by the visitor searched for literally (ESCAPE '\'), never as wildcards.
enum TextSearch {
    static func words(_ query: String, limit: Int = 6) -> [String] {
        query.lowercased().split(whereSeparator: { $0.isWhitespace }).prefix(limit).map(String.init)
    }

    static func pattern(_ word: String) -> String {
        "%" + word.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
    }

    /// `WHERE (col1 LIKE w1 OR col2 LIKE w1 …) AND (… w2 …)` added to a query.
    static func matchAll<B: SQLPredicateBuilder>(_ words: [String], in columns: [String], on builder: B) -> B {
        var builder = builder
        for word in words {
            let pattern = pattern(word)
            builder = builder.where { group in
                var group = group
                for column in columns {
                    let value = SQLFunction("LOWER", args: SQLFunction("COALESCE", args: SQLRaw(column), SQLLiteral.string("")))
                    group = group.orWhere(value, .like, SQLList([SQLBind(pattern), SQLRaw("ESCAPE '\\'")], separator: SQLRaw(" ")))
                }
                return group
            }
        }
        return builder
    }
}
