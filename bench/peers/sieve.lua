-- sieve.lua: peer of bench/programs/sieve.aefl (lua5.4 and luajit). Usage: lua5.4 sieve.lua N
-- Same shape: append N + 1 flags one by one, then strike multiples.
local function sieve(n)
  local flags = {}
  local i = 0
  while i <= n do
    flags[#flags + 1] = true
    i = i + 1
  end
  local count = 0
  local p = 2
  while p <= n do
    if flags[p + 1] then
      count = count + 1
      local m = p * p
      while m <= n do
        flags[m + 1] = false
        m = m + p
      end
    end
    p = p + 1
  end
  return count
end
print(sieve(tonumber(arg[1] or "2000000")))
