-- mapset.lua: peer of bench/programs/mapset.aefl (lua5.4 and luajit). Usage: lua5.4 mapset.lua N
-- N table inserts with keys "k0", "k1", ..., then N lookups of the same keys.
local function mapset(n)
  local m = {}
  for i = 0, n - 1 do
    m["k" .. i] = i
  end
  local sum = 0
  for i = 0, n - 1 do
    sum = sum + m["k" .. i]
  end
  return sum
end
print(string.format("%d", mapset(tonumber(arg[1] or "1000000"))))
