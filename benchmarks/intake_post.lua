-- POST the public appeal form (/appeals/) as a browser would: CSRF cookie + token fetched once by
-- intake_load.sh (Django keeps the pair valid for the session), a fresh idempotency key per request
-- (not one the server signed, so it is checked and ignored, as a made-up key is: every POST is a new appeal).
-- usage: wrk ... -s intake_post.lua -- <csrftoken cookie> <form token> <town id>
dofile(os.getenv("BENCH_DIR") .. "/wrk_percentiles.lua")

local counter = 0
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

local function urlencode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function init(args)
  cookie, token, town = args[1], args[2], args[3]
  math.randomseed(os.time() + thread_id)
end

local titles = { "小区夜间施工噪音扰民", "路灯长期不亮", "垃圾清运不及时", "公交班次太少", "学校门口交通拥堵" }

function request()
  counter = counter + 1
  local title = titles[(counter % #titles) + 1]
  local body = "压测提交（合成数据）：" .. title .. "，已持续一周，影响居民生活，希望有关部门尽快处理。编号" .. counter
  local form = "csrfmiddlewaretoken=" .. urlencode(token)
    .. "&title=" .. urlencode(title)
    .. "&body=" .. urlencode(body)
    .. "&town=" .. town
    .. "&community=&address=&category=&contact_name=&contact_phone="
    .. "&idempotency_key=wrk-" .. thread_id .. "-" .. counter .. "-" .. math.random(1, 1e9)
  return wrk.format("POST", "/appeals/", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=" .. cookie,
    ["Referer"] = "http://127.0.0.1/appeals/",
  }, form)
end

function response(status, headers, body)
  if status ~= 302 and not reported then
    reported = true
    io.stderr:write("unexpected status " .. status .. "\n" .. body:sub(1, 400) .. "\n")
  end
end
