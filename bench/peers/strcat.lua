-- strcat.lua: peer of bench/programs/strcat.aefl (lua5.4 and luajit). Usage: lua5.4 strcat.lua N
-- Lua's idiom for building a string piece by piece: a table of parts and
-- one table.concat (s = s .. "x" would copy the string every time).
local function strcat(n)
  local parts = {}
  for i = 1, n do
    parts[#parts + 1] = "x"
  end
  return #table.concat(parts)
end
print(strcat(tonumber(arg[1] or "1000000")))
