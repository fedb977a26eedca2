-- wrk script: POST /v1/events with one event per request and a unique client id per
-- request (thread number + counter), spread over 1,000 customers.
local counter = 0
dofile("bench/wrk_threads.lua")


function request()
  counter = counter + 1
  local body = string.format(
    '{"id":"%s-%d-%d","customer_id":"c%d","type":"visit","occurred_at":"2026-01-01T00:00:00Z"}',
    prefix, tid, counter, counter % 1000)
  return wrk.format("POST", "/v1/events",
    {["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json"}, body)
end

function response(status, headers, body)
  if status ~= 200 then
    io.stderr:write("status " .. status .. ": " .. body .. "\n")
  end
end
