-- wrk script: cycles through valid and bad requests (a TSV of method, path, content type, body file), counts
-- responses by status class, and stops each thread after its share of the total.
-- usage: wrk -t T -c C -d 600s -s bench/http/mixed.lua URL -- LIST.tsv TOTAL THREADS
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  requests = {}
  for line in io.lines(args[1]) do
    local method, path, ctype, file = line:match("^(%S+)\t(%S+)\t(%S+)\t(%S+)$")
    local handle = assert(io.open(file, "rb"))
    local body = handle:read("*a")
    handle:close()
    local weight = path == "/flatten" and file:match("large") and 1 or 6
    for _ = 1, weight do
      table.insert(requests, wrk.format(method, path, { ["Content-Type"] = ctype }, body ~= "" and body or nil))
    end
  end
  limit = math.floor(tonumber(args[2]) / tonumber(args[3]))
  counter, responses, s2xx, s4xx, s5xx, other = 0, 0, 0, 0, 0, 0
end

function request()
  counter = counter + 1
  return requests[(counter % #requests) + 1]
end

function response(status)
  responses = responses + 1
  if status >= 500 then s5xx = s5xx + 1
  elseif status >= 400 then s4xx = s4xx + 1
  elseif status >= 200 and status < 300 then s2xx = s2xx + 1
  else other = other + 1 end
  if responses >= limit then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local t = { responses = 0, s2xx = 0, s4xx = 0, s5xx = 0, other = 0 }
  for _, thread in ipairs(threads) do
    for key, _ in pairs(t) do t[key] = t[key] + thread:get(key) end
  end
  io.write(string.format("MIXED responses=%d 2xx=%d 4xx=%d 5xx=%d other=%d socket_errors=%d p50_ms=%.2f p99_ms=%.2f\n",
    t.responses, t.s2xx, t.s4xx, t.s5xx, t.other,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
