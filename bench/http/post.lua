-- wrk script: POST the file given after `--` as application/json (or the type given second).
-- usage: wrk -s bench/http/post.lua URL -- BODY_FILE [CONTENT_TYPE]
function init(args)
  local file = assert(io.open(args[1], "rb"))
  wrk.method = "POST"
  wrk.body = file:read("*a")
  file:close()
  wrk.headers["Content-Type"] = args[2] or "application/json"
end
