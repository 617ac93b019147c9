-- wrk: POST /subscribe with a new address on every request (unique across threads and runs), asking
-- for the newsletter. Used by scripts/bench.sh and scripts/cpu-signups.sh.
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
function init(args)
  prefix = string.format("b%d-%d-%d", tid, os.time(), math.random(1, 1000000000))
  n = 0
end
function request()
  n = n + 1
  local body = "email=" .. prefix .. "-" .. n .. "%40bench.example&name=Bench&agreement=newsletter_agreement"
  return wrk.format("POST", "/subscribe", { ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end
