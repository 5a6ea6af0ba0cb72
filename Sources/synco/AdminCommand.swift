import ArgumentParser
import Foundation
import SyncoData
import SyncoDemocracy
import SyncoServer
import SyncoStore

extension CouncilKind: ExpressibleByArgument {}
extension MemberRole: ExpressibleByArgument {}

/// Administration straight on the database (whoever can open it is the administrator).
/// Every step goes through the same rules as the API and lands in the audit log as "admin".
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Create councils and members, open and close decisions, tally, assemble, plan.",
        subcommands: [AddCouncil.self, AddMember.self, OpenDecision.self, CloseDecision.self, TallyDecision.self, Assemble.self, MakePlan.self, Load.self])

    struct DB: ParsableArguments {
        @Option(help: "Database URL: sqlite:PATH or postgres://user:password@host:port/database.") var database: String = "sqlite:synco.sqlite"
        func service() async throws -> FederationService {
            FederationService(store: try await openStore(database), adminToken: FederationService.newToken())
        }
    }

    static func report(_ f: () async throws -> Void) async throws {
        do { try await f() } catch let e as APIError { throw InputError("\(e.field.isEmpty ? "" : e.field + ": ")\(e.message)") }
        catch let e as DemocracyError { throw InputError(e.description) }
    }

    struct AddCouncil: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add-council", abstract: "Create a council.")
        @OptionGroup var db: DB
        @Option(help: "Council id.") var id: String
        @Option(help: "Kind: consumer, workplace, regional, care, federation, whole.") var kind: CouncilKind
        @Option(help: "Display name.") var name: String?
        @Option(help: "Parent federation (or the whole).") var parent: String?
        func run() async throws {
            let s = try await db.service()
            try await report { _ = try await s.addCouncil(Council(id: id, name: name ?? id, kind: kind, parent: parent), by: .admin) }
            print("council \(id) created")
        }
    }

    struct AddMember: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add-member", abstract: "Create a member and print their token once.")
        @OptionGroup var db: DB
        @Option(help: "Council.") var council: String
        @Option(help: "Member id.") var id: String
        @Option(help: "Display name.") var name: String?
        @Option(help: "Role: member, delegate, facilitator, observer.") var role: MemberRole = .member
        func run() async throws {
            let s = try await db.service()
            try await report {
                let (_, token) = try await s.addMember(Member(id: id, council: council, name: name ?? id, role: role), by: .admin)
                print("member \(id) of \(council); token (shown once, stored only as a hash):\n\(token)")
            }
        }
    }

    struct OpenDecision: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "open-decision", abstract: "Open a decision described by a JSON file (as POST /api/v1/decisions takes).")
        @OptionGroup var db: DB
        @Argument(help: "Decision JSON file.") var file: String
        func run() async throws {
            let bytes = try FileIO.readAll(file)
            let s = try await db.service()
            try await report {
                let d: Decision
                do { d = try DemocracyJSON.decision(try JSONFields.parse(bytes)) } catch { throw InputError("\(file): \(error)") }
                _ = try await s.addDecision(d, by: .admin)
                print("decision \(d.id) open")
            }
        }
    }

    struct CloseDecision: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "close-decision", abstract: "Close a decision and print its tally (JSON).")
        @OptionGroup var db: DB
        @Argument(help: "Decision id.") var id: String
        func run() async throws {
            let s = try await db.service()
            try await report { print(JSONWriter(pretty: true).string(DemocracyJSON.value(try await s.close(decision: id, by: .admin)))) }
        }
    }

    struct TallyDecision: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "tally", abstract: "Print a decision's tally (the current count if still open).")
        @OptionGroup var db: DB
        @Argument(help: "Decision id.") var id: String
        func run() async throws {
            let s = try await db.service()
            try await report {
                let d = try await s.decision(id)
                let t = Tally.of(d, ballots: try await s.store.ballots(decision: id).map(\.ballot))
                print(JSONWriter(pretty: true).string(DemocracyJSON.value(t)))
                if d.open { writeStderr("note: \(id) is still open; this count is provisional\n") }
            }
        }
    }

    struct Assemble: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Build the economy document from the base, current submissions and closed decisions.")
        @OptionGroup var db: DB
        @Option(help: "Write the economy document here (default: stdout).") var out: String?
        func run() async throws {
            let s = try await db.service()
            try await report {
                let r = try await s.assemble()
                let text = EconomyJSON.encode(r.document)
                if let out { try FileIO.write(text, to: out) } else { print(text) }
                writeStderr("provenance \(r.provenance.hash): \(r.provenance.sources.map { "\($0.kind) \($0.id)" }.joined(separator: ", "))\n")
                for n in r.notes { writeStderr("note: \(n)\n") }
            }
        }
    }

    struct MakePlan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "plan", abstract: "Assemble, plan, store the plan with its provenance and print it (JSON).")
        @OptionGroup var db: DB
        func run() async throws {
            let s = try await db.service()
            try await report { print(try await s.plan(by: .admin).json) }
        }
    }

    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Load a federation file (synco-federation/1) into an empty database; prints member tokens.")
        @OptionGroup var db: DB
        @Argument(help: "Federation file.") var file: String
        func run() async throws {
            let s = try await db.service()
            guard try await s.store.councils().isEmpty else { throw InputError("\(db.database): not empty; load a federation into a new database") }
            let fed: FederationFile
            do { fed = try FederationFile(bytes: try FileIO.readAll(file), source: file) } catch { throw InputError("\(error)") }
            try await report { for (m, t) in try await fed.load(into: s) { print("\(m) \(t)") } }
        }
    }
}
