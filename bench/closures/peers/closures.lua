-- closures.lua: peer of bench/closures/closures.aefl for Lua 5.4 and LuaJIT:
-- the same list, map / filter / sort with capturing closures, written as a
-- Lua programmer would (the sort is table.sort with a comparator: quicksort,
-- not stable, where AeroFlow's is a stable merge sort).
-- Usage: lua5.4 closures.lua KERNEL N   (KERNEL: build, map, filter, sort, records)
local kernel, n = arg[1] or "sort", tonumber(arg[2] or "1000000")
local ROUNDS = 10

local function data(n)
  local xs, x = {}, 1
  for i = 1, n do
    x = x * 48271 % 2147483647
    xs[i] = x % 1000000
  end
  return xs
end

local function map(xs, f)
  local out = {}
  for i = 1, #xs do out[i] = f(xs[i]) end
  return out
end

local function filter(xs, f)
  local out, k = {}, 0
  for i = 1, #xs do
    local x = xs[i]
    if f(x) then k = k + 1; out[k] = x end
  end
  return out
end

local function mapped(xs, scale) return map(xs, function(x) return x * scale + 1 end) end
local function kept(xs, rest) return filter(xs, function(x) return x % 3 == rest end) end
local function sorted(xs, descending)
  local ys = {}
  for i = 1, #xs do ys[i] = xs[i] end
  table.sort(ys, function(a, b)
    if descending then return a > b end
    return a < b
  end)
  return ys
end

-- Integers print alike in Lua 5.4 (integers) and LuaJIT (doubles).
local function int(v) return string.format("%d", v) end

local xs = data(n)
if kernel == "map" then
  local sum = 0
  for r = 0, ROUNDS - 1 do
    local ys = mapped(xs, r + 2)
    sum = sum + ys[1] + ys[n]
  end
  print(int(sum))
elseif kernel == "filter" then
  local sum = 0
  for r = 0, ROUNDS - 1 do sum = sum + #kept(xs, r % 3) end
  print(int(sum))
elseif kernel == "sort" then
  local ys = sorted(xs, false)
  print(int(ys[1]) .. " " .. int(ys[math.floor(n / 2) + 1]) .. " " .. int(ys[n]))
elseif kernel == "records" then
  local items = {}
  for i = 1, n do items[i] = {id = i - 1, score = xs[i]} end
  local top = filter(items, function(it) return it.score % 3 == 0 end)
  table.sort(top, function(a, b) return a.score < b.score end)
  local total = 0
  for i = 1, #top do total = total + top[i].score + top[i].id % 7 end
  print(int(#top) .. " " .. int(top[1].score) .. " " .. int(total))
else
  print(int(#xs))
end
