-- wrk script for benchmarks/soak.py: alternate GET /json and GET /items/<n>; after
-- SOAK_PER_THREAD responses stop this thread and create SOAK_DONE_FILE (wrk itself waits out -d,
-- so the driver then interrupts it); print the totals as one JSON line prefixed "SOAK ".
local limit = tonumber(os.getenv("SOAK_PER_THREAD"))
local sent = 0
local answered = 0

request = function()
  sent = sent + 1
  if sent % 2 == 0 then
    return wrk.format("GET", "/json")
  end
  return wrk.format("GET", "/items/" .. (sent % 10000))
end

response = function(status, headers, body)
  answered = answered + 1
  if answered == limit then
    local marker = io.open(os.getenv("SOAK_DONE_FILE"), "w")
    marker:write("done\n")
    marker:close()
    wrk.thread:stop()
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'SOAK {"requests": %d, "connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d, "p99_ms": %.2f}\n',
    summary.requests, e.connect, e.read, e.write, e.status, e.timeout, latency:percentile(99) / 1000))
end
