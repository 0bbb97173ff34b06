-- wrk script (bench/serve/load.py): POST /api/v1/evaluate for the runbook stop-conditions gate,
-- job "aurora-api" (the anchors' dataset). BENCH_SHARED=1: every request the same body (concurrent
-- identical requests share one evaluation in serve). Otherwise each request its own body (a
-- different AURORA_MEMORY_LIMIT_BYTES, a number in the memory rule's expression: same queries'
-- cost, a different evaluation key), so every request is its own evaluation, like `check`.
local shared = os.getenv("BENCH_SHARED") == "1"
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  thread_id = tonumber(id) or 0  -- the global setup() gave this thread
end

local function body(limit)
  return '{"gates":["stop-conditions"],"set":{"AURORA_JOB":"aurora-api",' ..
         '"AURORA_MEMORY_LIMIT_BYTES":"' .. limit .. '"}}'
end

request = function()
  local limit = 536870912
  if not shared then
    counter = counter + 1
    limit = limit + thread_id * 100000000 + counter
  end
  return wrk.format("POST", "/api/v1/evaluate", {["Content-Type"] = "application/json"},
                    body(tostring(limit)))
end
