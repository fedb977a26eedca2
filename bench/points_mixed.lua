-- wrk script of bench/points.sh: a mixed points load, earn and redeem alternating, of 10
-- points each, spread over 1,000 funded customers.
local counter = 0

function init(args)
  key = os.getenv("BENCH_KEY")
end

function request()
  counter = counter + 1
  local op = (counter % 2 == 0) and "redeem" or "earn"
  return wrk.format("POST", string.format("/v1/customers/c%d/points/%s", counter % 1000, op),
    {["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json"},
    '{"points":10,"reason":"bench"}')
end

function response(status, headers, body)
  if status ~= 201 then
    io.stderr:write("status " .. status .. ": " .. body .. "\n")
  end
end
