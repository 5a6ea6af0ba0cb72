import Testing
import SyncoData
import SyncoModel

let twoSectorJSON = """
{
  "format": "synco-economy/1",
  "name": "Two-sector example",
  "products":   [{"id": "grain", "name": "Grain", "unit": "t", "category": "food"},
                 {"id": "care",  "name": "Elder care", "unit": "h", "category": "care"}],
  "resources":  [{"id": "labour", "unit": "h", "kind": "labour", "limit": 1000},
                 {"id": "co2", "unit": "t", "kind": "emission", "limit": 50}],
  "techniques": [{"id": "farm", "outputs": {"grain": 1.0}, "inputs": {"grain": 0.1},
                  "resources": {"labour": 2.0, "co2": 0.3}, "capacity": 400},
                 {"id": "care-home", "outputs": {"care": 1.0}, "inputs": {"grain": 0.01},
                  "resources": {"labour": 1.1}}],
  "needs":      [{"product": "grain", "amount": 100},
                 {"product": "care", "amount": 300, "guaranteed": true}]
}
"""

func issues(_ json: String) -> [ValidationIssue] {
    do { _ = try EconomyJSON.economy(Array(json.utf8)); return [] } catch { return error.issues }
}

@Suite struct JSONParsing {
    /// A top-level member read without parsing the rest: the members before it skipped whole
    /// (nested brackets, brackets and escaped quotes inside strings, numbers, literals).
    @Test func readsOneTopLevelStringWithoutParsing() {
        let doc = #"{"a": [1, {"x": "}]\"{"}, -2.5e3, true, null], "b": {"c": [[]]}, "format": "synco-economy/2", "n": 1}"#
        #expect(JSONParser.topLevelString(Array(doc.utf8), key: "format") == "synco-economy/2")
        #expect(JSONParser.topLevelString(Array(doc.utf8), key: "n") == nil, "not a string")
        #expect(JSONParser.topLevelString(Array(doc.utf8), key: "x") == nil, "not at the top level")
        #expect(JSONParser.topLevelString(Array(twoSectorJSON.utf8), key: "name") == "Two-sector example")
        #expect(JSONParser.topLevelString(Array("[1, 2]".utf8), key: "format") == nil)
        #expect(JSONParser.topLevelString(Array(#"{"a": [1, 2"#.utf8), key: "format") == nil, "ends early")
        #expect(EconomyJSON2.declaredFormat(Array(twoSectorJSON.utf8)) == "synco-economy/1")
    }

    @Test func parsesValuesInOrder() throws {
        let v = try JSONParser.parse(#"{"b": [1, -2.5e3, true, null], "a": "x\u00e9\n", "c": {}}"#)
        guard case .object(let o) = v else { Issue.record("not an object"); return }
        #expect(o.map(\.key) == ["b", "a", "c"])
        #expect(v["b"] == .array([.number(1), .number(-2500), .bool(true), .null]))
        #expect(v["a"] == .string("xé\n"))
    }

    @Test func surrogatePairs() throws {
        #expect(try JSONParser.parse(#""\ud83c\udf3e""#) == .string("🌾"))
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(#""\ud83c""#) }
    }

    @Test func syntaxErrorsNameLineAndColumn() {
        do {
            _ = try JSONParser.parse("{\n  \"a\": 1,\n  \"b\": tru\n}")
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 3)
            #expect(error.message.contains("true"))
        }
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse("[1, 2") }
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse("01") }
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse("{\"a\":1} x") }
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse("\"a\u{1}b\"") }
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(deep) }
    }

    /// Quoting appends a plain id as it is and escapes quotes, backslashes and control characters.
    @Test func quotingPlainAndEscapedStrings() throws {
        for text in ["t42", "", "ünïcødé 🌾", "a\"b", "back\\slash", "line\nbreak", "tab\t", "bell\u{7}"] {
            var out = "x"
            JSONWriter.appendQuoted(text, to: &out)
            #expect(out == "x" + JSONWriter.quoted(text))
            #expect(try JSONParser.parse(JSONWriter.quoted(text)) == .string(text))
        }
        #expect(JSONWriter.quoted("a\"b") == #""a\"b""#)
        #expect(JSONWriter.quoted("plain") == #""plain""#)
    }

    @Test func writerRoundTrips() throws {
        let v = try JSONParser.parse(#"{"x": [0.1, 1e-300, 123456789012, -0.5], "s": "q\"\\\t\u0001"}"#)
        #expect(try JSONParser.parse(JSONWriter().string(v)) == v)
        #expect(try JSONParser.parse(JSONWriter(pretty: false).string(v)) == v)
    }
}

@Suite struct EconomyDocumentJSON {
    @Test func readsTheArchitectureExample() throws {
        let e = try EconomyJSON.economy(Array(twoSectorJSON.utf8))
        #expect(e.name == "Two-sector example")
        #expect(e.products.map(\.id) == ["grain", "care"])
        #expect(e.resources[1].kind == .emission && e.resources[1].limit == 50)
        #expect(e.techniques[0].resources == [Entry(0, 2), Entry(1, 0.3)])
        #expect(e.needs[1].guaranteed && !e.needs[0].guaranteed)
    }

    @Test func encodeDecodeRoundTrip() throws {
        let doc = try EconomyJSON.decode(Array(twoSectorJSON.utf8))
        let again = try EconomyJSON.decode(Array(EconomyJSON.encode(doc).utf8))
        #expect(again == doc)
    }

    @Test func typeErrorsNameTheJSONPath() {
        let bad = twoSectorJSON
            .replacingFirst(#""amount": 100"#, with: #""amount": "lots""#)
            .replacingFirst(#""kind": "labour""#, with: #""kind": "toil""#)
            .replacingFirst(#""inputs": {"grain": 0.1}"#, with: #""inputs": {"grain": [0.1]}"#)
        let found = issues(bad)
        #expect(found.contains { $0.path == "needs[0].amount" && $0.message.contains("expected a number, found a string") })
        #expect(found.contains { $0.path == "resources[0].kind" && $0.message.contains("labour, natural, emission") })
        #expect(found.contains { $0.path == "techniques[0].inputs.grain" && $0.message.contains("found an array") })
    }

    @Test func missingFieldsAndWrongFormat() {
        let found = issues(#"{"format": "synco-economy/2", "products": [{"name": "x"}], "techniques": [{"id": "t"}]}"#)
        #expect(found.contains { $0.path == "format" && $0.code == "unsupported-format" })
        #expect(found.contains { $0.path == "products[0].id" && $0.code == "missing" })
        #expect(found.contains { $0.path == "techniques[0].outputs" })
        #expect(issues("[]").contains { $0.path == "$" })
        #expect(issues("{").contains { $0.code == "json-syntax" && $0.path.hasPrefix("line 1") })
    }

    @Test func semanticErrorsComeFromValidation() {
        let found = issues(twoSectorJSON.replacingFirst(#""inputs": {"grain": 0.1}"#, with: #""inputs": {"steel": 0.1}"#))
        #expect(found.map(\.path) == ["techniques[0].inputs.steel"])
    }
}

extension String {
    func replacingFirst(_ a: String, with b: String) -> String {
        guard let r = range(of: a) else { return self }
        return replacingCharacters(in: r, with: b)
    }
}
