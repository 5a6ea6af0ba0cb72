-- wrk -s scripts/wrk/submit.lua URL -- council=token [council=token ...]
-- POST /api/v1/councils/{council}/submissions round-robin over the given members.
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:match("@?(.*/)") .. "?.lua"
require "common"

local members = {}
local n = 0

function init(args)
  for _, a in ipairs(args) do
    local c, t = a:match("^([^=]+)=(.+)$")
    if c then members[#members + 1] = { c, t } end
  end
  n = (tid or 0) * 7919
end

function request()
  n = n + 1
  local m = members[(n % #members) + 1]
  local body = string.format('{"needs":[{"product":"bread","amount":%d}]}', (n % 500) + 1)
  return wrk.format("POST", "/api/v1/councils/" .. m[1] .. "/submissions",
    { ["Authorization"] = "Bearer " .. m[2], ["Content-Type"] = "application/json" }, body)
end

done = bench_done
