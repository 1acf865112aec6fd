// sieve.js: the Node peer of sieve.aefl for aeroflow-jit-benchmark. Same
// shape: push N + 1 flags, then strike multiples. Usage: node sieve.js N
function sieve(n) {
    const flags = [];
    for (let i = 0; i <= n; ++i) flags.push(true);
    let count = 0;
    for (let p = 2; p <= n; ++p) {
        if (flags[p]) {
            ++count;
            for (let m = p * p; m <= n; m += p) flags[m] = false;
        }
    }
    return count;
}
console.log(sieve(Number(process.argv[2] || 2000000)));
