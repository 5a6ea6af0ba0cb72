import Foundation

/// A fresh path in the temporary directory.
func tempPath(_ name: String) -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("synco-tests-\(getpid())")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent(UUID().uuidString + "-" + name).path
}

/// The repository root, found from this file's path.
let repositoryRoot: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// The shared data folder next to the checkout (`../shared/data`).
let sharedData = repositoryRoot + "/../shared/data"

/// Miller & Blair (2009), Input–Output Analysis, Table 2.3: a two-sector economy with flows
/// Z = [[150, 500], [200, 100]], final demand (350, 1700), value added (650, 1400),
/// total output (1000, 2000).
let textbookCSV = """
,agri,manu,households
agri,150,500,350
manu,200,100,1700
value_added,650,1400,0
"""

/// Runs a command and returns its standard output.
func run(_ args: [String]) throws -> Data {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = args
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else { throw CocoaError(.executableLoad) }
    return data
}
