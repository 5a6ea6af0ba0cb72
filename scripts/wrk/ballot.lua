-- wrk -s scripts/wrk/ballot.lua URL -- DECISION token [token ...]
-- PUT /api/v1/decisions/{DECISION}/ballot {"number": n} round-robin over the given members' tokens.
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:match("@?(.*/)") .. "?.lua"
require "common"

local decision
local tokens = {}
local n = 0

function init(args)
  decision = args[1]
  for i = 2, #args do tokens[#tokens + 1] = args[i] end
  n = (tid or 0) * 7919
end

function request()
  n = n + 1
  local body = string.format('{"number":%d}', n % 1001)
  return wrk.format("PUT", "/api/v1/decisions/" .. decision .. "/ballot",
    { ["Authorization"] = "Bearer " .. tokens[(n % #tokens) + 1], ["Content-Type"] = "application/json" }, body)
end

done = bench_done
