import Foundation
import Layan
import Logging
import Vapor

var env = try Environment.detect()
try LoggingSystem.bootstrapEscaping(from: &env)
let app = try await Application.make(env)
do {
    try await configure(app)
    try await app.execute()
} catch {
    // A failed command says why on standard error, whatever the log level, and exits 1 (not a crash).
    FileHandle.standardError.write(Data("layan: \(error)\n".utf8))
    try? await app.asyncShutdown()
    exit(1)
}
// Stop taking requests and let those in flight finish before the databases close (Vapor would otherwise close the
// databases first and a late request would find them gone).
await stopServing(app)
try await app.asyncShutdown()
