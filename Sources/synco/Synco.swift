import ArgumentParser

struct Synco: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synco",
        abstract: "Democratic, cybernetic economic planning in natura.",
        discussion: "Exit codes: 0 ok, 1 invalid input (the message names file, row or field), 2 usage error.",
        version: "0.1.0",
        subcommands: [ImportCommand.self, GenerateCommand.self, ValidateCommand.self, AnalyzeCommand.self, SolveCommand.self, ExplainCommand.self, ExportCommand.self, ConvertCommand.self, BenchCommand.self, ServeCommand.self, AdminCommand.self, AuditCommand.self, ForecastCommand.self, FederateCommand.self, SplitCommand.self, CoordinateCommand.self, CouncilCommand.self, RolloutCommand.self])
}
