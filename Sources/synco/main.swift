import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

// Exit codes: 0 ok, 1 invalid input (the message names the place), 2 usage error.
/// Runs an async subcommand's `run() async` (an existential would pick the synchronous one).
func runAsync<C: AsyncParsableCommand>(_ c: C) async throws {
    var c = c
    try await c.run()
}

_ = Log.start
do {
    var command = try Synco.parseAsRoot()
    if let async = command as? any AsyncParsableCommand {
        try await runAsync(async)
    } else {
        try command.run()
    }
} catch let error as InputError {
    writeStderr("error: \(error.description)\n")
    exit(1)
} catch {
    let code = Synco.exitCode(for: error)
    if code == .success {
        Synco.exit(withError: error)
    }
    if code == .validationFailure {
        writeStderr(Synco.fullMessage(for: error) + "\n")
        exit(2)
    }
    writeStderr("error: \(Synco.message(for: error))\n")
    exit(code.rawValue == 1 ? 1 : 2)
}
exit(0)
