-- wrk reporting: one machine-readable line after the run, read by bench/run.
-- RESULT <requests/s> <p50 ms> <p99 ms> <max ms> <non-2xx/3xx responses> <socket errors>
-- With BENCH_LOGIN set, every request is a POST /auth login with that JSON body.
local login = os.getenv("BENCH_LOGIN")
if login then
    wrk.method = "POST"
    wrk.body = login
    wrk.headers["Content-Type"] = "application/json"
end

done = function(summary, latency, requests)
    local e = summary.errors
    io.write(string.format("RESULT %.0f %.3f %.3f %.3f %d %d\n",
        summary.requests / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
        e.status, e.connect + e.read + e.write + e.timeout))
end
