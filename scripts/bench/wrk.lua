-- wrk.lua - for scripts/bench/bench.py: requests the paths listed in the
-- file $BENCH_PATHS in turn (each thread from its own starting point) and
-- prints one line "BENCH {json}" with the rate, latency percentiles (ms)
-- and the count of non-2xx answers and socket errors.
local paths = {}
local next_path = 0

function init(args)
  local f = assert(io.open(os.getenv("BENCH_PATHS")))
  for line in f:lines() do
    if #line > 0 then paths[#paths + 1] = line end
  end
  f:close()
  next_path = math.random(#paths) - 1
end

function request()
  next_path = next_path % #paths + 1
  return wrk.format("GET", paths[next_path])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "rps": %.1f, "p50_ms": %.4f, ' ..
    '"p95_ms": %.4f, "p99_ms": %.4f, "non2xx": %d, "errors": %d}\n',
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, e.status, e.connect + e.read + e.write + e.timeout))
end
