// fib.js: the Node peer of fib.aefl for aeroflow-jit-benchmark. Usage: node fib.js N
function fib(n) {
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}
console.log(fib(Number(process.argv[2] || 32)));
