-- wrk script for bench/soak.sh: a mix of what a shop's traffic is made of, by request
-- number: single events (40 %), survey answers (20 %), points redeems and earns (20 %),
-- reads of a customer's points (10 %) and reports (10 %). Counts every status; prints the
-- counts and the number of 5xx at the end.
local counter = 0
dofile("bench/wrk_threads.lua")

function init(args)
  key = os.getenv("BENCH_KEY")
  survey = os.getenv("BENCH_SURVEY")
  statuses = {}
end

local reports = {"/v1/reports/nps?interval=week", "/v1/reports/retention",
                 "/v1/reports/rfm", "/v1/reports/points", "/v1/reports/cohorts",
                 "/v1/reports/segments", "/v1/segments/champions/customers?limit=50"}

function request()
  counter = counter + 1
  local h = {["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json"}
  local c = counter % 1000
  local pick = counter % 10
  if pick < 4 then
    local body = string.format(
      '{"id":"s%d-%d","customer_id":"c%d","type":"order","occurred_at":"2026-11-01T10:00:00Z","amount":"%d.50","currency":"EUR","order_id":"s%d-%d"}',
      tid, counter, c, 10 + c % 90, tid, counter)
    return wrk.format("POST", "/v1/events", h, body)
  elseif pick < 6 then
    local body = string.format('{"customer_id":"c%d","score":%d,"comment":"soak %d"}',
      c, counter % 11, counter)
    return wrk.format("POST", "/v1/surveys/" .. survey .. "/responses", h, body)
  elseif pick == 6 then
    return wrk.format("POST", "/v1/customers/c" .. c .. "/points/redeem", h, '{"points":1}')
  elseif pick == 7 then
    return wrk.format("POST", "/v1/customers/c" .. c .. "/points/earn", h, '{"points":2,"reason":"soak"}')
  elseif pick == 8 then
    return wrk.format("GET", "/v1/customers/c" .. c .. "/points", h)
  else
    return wrk.format("GET", reports[math.floor(counter / 10) % #reports + 1], h)
  end
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local all = {}
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    for k, v in pairs(s) do all[k] = (all[k] or 0) + v end
  end
  local fives = 0
  local line = "statuses:"
  for k, v in pairs(all) do
    line = line .. " " .. k .. "=" .. v
    if k >= 500 then fives = fives + v end
  end
  print(line)
  print("5xx: " .. fives)
  print(string.format("p99 latency: %.1f ms", latency:percentile(99) / 1000))
end
