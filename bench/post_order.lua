-- wrk script: POST /v1/events with one order per request (1 to 200 EUR: points earned for
-- a tenant with a programme, so points.earned written for its endpoints) and a unique
-- client id per request (thread number + counter), spread over 1,000 customers.
local counter = 0
dofile("bench/wrk_threads.lua")


function request()
  counter = counter + 1
  local body = string.format(
    '{"id":"%s-%d-%d","customer_id":"c%d","type":"order","occurred_at":"2026-11-01T00:00:00Z","amount":"%d.50","currency":"EUR","order_id":"%s-%d-%d"}',
    prefix, tid, counter, counter % 1000, counter % 200 + 1, prefix, tid, counter)
  return wrk.format("POST", "/v1/events",
    {["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json"}, body)
end

function response(status, headers, body)
  if status ~= 200 then
    io.stderr:write("status " .. status .. ": " .. body .. "\n")
  end
end
