-- wrk script: registrations with a fresh username each (thread id and counter).
local counter = 0
local thread_id = 0
local next_thread = 0

function setup(thread)
  next_thread = next_thread + 1
  thread:set("thread_id", next_thread)
end

function init(args)
  thread_id = tonumber(wrk.thread:get("thread_id")) or 0
end

function request()
  counter = counter + 1
  local name = string.format("load%d_%d_%d", os.time() % 100000, thread_id, counter)
  local body = string.format(
    '{"username":"%s","email":"%s@example.com","password":"violet tractor sings","first_name":"L","last_name":"L"}',
    name, name)
  return wrk.format("POST", "/v1/accounts", { ["Content-Type"] = "application/json" }, body)
end
