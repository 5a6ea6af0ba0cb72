import Foundation
import SyncoModel
import SyncoPlan

let repositoryRoot: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

struct Reference: Decodable { let solver: String; let status: String; let objective: Double? }

/// Exports the fulfilment LP as MPS and asks HiGHS (or GLPK) for the answer.
func referenceSolve(_ e: Economy) throws -> Reference { try referenceSolve(FulfilmentProblem(e).lp) }

/// Exports an LP as MPS and asks HiGHS (or GLPK, via scripts/lp_reference.py) for the answer.
func referenceSolve(_ lp: LinearProgram) throws -> Reference {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("synco-plan-tests-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent(UUID().uuidString + ".mps").path
    var text = ""
    MPSWriter.write(lp, name: "test", maximise: true) { text += $0 }
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", repositoryRoot + "/scripts/lp_reference.py", path]
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    try? FileManager.default.removeItem(atPath: path)
    // HiGHS prints a banner on stdout; the answer is the last line.
    let last = String(decoding: data, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
    return try JSONDecoder().decode(Reference.self, from: Data(last.utf8))
}

/// The architecture note's two-sector example.
func twoSector(co2Limit: Double = 50, careGuaranteed: Double = 300) -> Economy {
    var t = TechniqueTable()
    t.append(Technique(id: "farm", outputs: [Entry(0, 1)], inputs: [Entry(0, 0.1)], resources: [Entry(0, 2), Entry(1, 0.3)], capacity: 400))
    t.append(Technique(id: "care-home", outputs: [Entry(1, 1)], inputs: [Entry(0, 0.01)], resources: [Entry(0, 1.1)]))
    return Economy(name: "two", products: [Product(id: "grain", category: "food"), Product(id: "care", category: "care")],
                   resources: [Resource(id: "labour", kind: .labour, limit: 1000), Resource(id: "co2", kind: .emission, limit: co2Limit)],
                   techniques: t, needs: [Need(product: 0, amount: 100), Need(product: 1, amount: careGuaranteed, guaranteed: true)])
}
