-- wrk script for S5: POST /items with the ~1 KB JSON document.
-- The runner writes the body to a file and passes its path in BENCH_BODY_FILE.
local f = assert(io.open(os.getenv("BENCH_BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
