import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit
import Vapor

struct NewAttachment: Sendable {
    let fileName: String
    let bytes: [UInt8]

    /// The files of a form; a file input left empty sends a part with no name and no bytes, which is no file.
    static func from(_ files: [File]?) -> [NewAttachment] {
        (files ?? []).filter { $0.data.readableBytes > 0 || !$0.filename.isEmpty }
            .map { NewAttachment(fileName: $0.filename, bytes: Array($0.data.readableBytesView)) }
    }
}
