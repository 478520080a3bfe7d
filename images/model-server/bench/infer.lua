-- wrk script: POSTs the body in the file named by the WRK_BODY environment variable and, when
-- done, prints one machine-readable line with requests, errors and latency percentiles (µs).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = assert(io.open(os.getenv("WRK_BODY"), "rb"))
wrk.body = f:read("*a")
f:close()

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK_RESULT requests=%d seconds=%.3f errors=%d non200=%d p50=%d p90=%d p99=%d max=%d\n",
    summary.requests, summary.duration / 1e6,
    e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
