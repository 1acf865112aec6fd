// Runs a WASI (preview1) command module under Node.js:
//
//   node run-wasm.mjs [--dir DIR]... MODULE.wasm [ARGS...]
//
// The module sees argv (argv[0] = MODULE.wasm as given), this process's
// environment and its stdin/stdout/stderr as fds 0/1/2; `--dir DIR` (before
// the module, repeatable) lets it open files under DIR by the same path.
// The process exits with the module's exit status (return from main or
// proc_exit). Nothing is added to stdout or stderr on a normal run, so the
// output is byte for byte the program's own.
//
// Abnormal ends: a C++ exception that escapes main prints
// "terminate called: uncaught exception" and exits 134, like abort(); a trap
// (abort() is an `unreachable` trap) exits 134, with a one-line reason unless
// it is abort()'s own; so does running out of stack. A missing or non-wasm
// MODULE, or a bad command line, prints a message and exits 2.
//
// The module runs on a worker thread with a 512 MiB native stack
// (AEROFLOW_WASM_STACK_MB overrides it). V8 keeps wasm frames on the native
// stack, and the main thread's ~1 MiB limit is far below what the native
// engine allows itself: AOT code recursing to --max-depth 900000 needs about
// 128 MiB there. The reservation is virtual: only the pages a run touches
// are committed, and a small run starts as fast as with the default stack.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { Worker, isMainThread, workerData, parentPort } from 'node:worker_threads';

// node:wasi announces itself with an ExperimentalWarning on stderr; the
// output must be the program's only, so drop warnings before loading it.
process.removeAllListeners('warning');
// Node 20's V8 could flush the bytecode of the JS frame below the module
// while a large module ran, and then crash (SIGSEGV in HandlerTable::
// LookupRange) when proc_exit unwound through it: keep bytecode. The flag is
// process-wide, so the worker started below has it too.
v8.setFlagsFromString('--no-flush-bytecode');

const kUsage = 'usage: node run-wasm.mjs [--dir DIR]... MODULE.wasm [ARGS...]';
const kAbortStatus = 134; // what a shell reports for SIGABRT

function fail(message, status = 2) {
    process.stderr.write(`run-wasm: ${message}\n`);
    process.exit(status);
}

// Main thread: check the command line and the module, then run it on a
// worker and exit with its status.
async function main() {
    const argv = process.argv.slice(2);
    const preopens = {};
    while (argv.length > 0 && argv[0].startsWith('--')) {
        const option = argv.shift();
        if (option === '--dir' && argv.length > 0) {
            const dir = argv.shift();
            preopens[dir] = path.resolve(dir);
        } else if (option === '--') {
            break;
        } else {
            fail(`unknown option '${option}'\n${kUsage}`);
        }
    }
    if (argv.length === 0)
        fail(`no module given\n${kUsage}`);
    const modulePath = argv[0];

    let bytes;
    try {
        bytes = readFileSync(modulePath);
    } catch (e) {
        fail(`cannot read '${modulePath}': ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
    }
    const kMagic = [0x00, 0x61, 0x73, 0x6d];
    if (bytes.length < 8 || kMagic.some((b, i) => bytes[i] !== b))
        fail(`'${modulePath}' is not a WebAssembly module`);
    let module;
    try {
        module = await WebAssembly.compile(bytes);
    } catch (e) {
        fail(`'${modulePath}' is not a valid WebAssembly module: ${e.message}`);
    }
    if (!WebAssembly.Module.exports(module).some((e) => e.name === '_start' && e.kind === 'function'))
        fail(`'${modulePath}' is not a WASI command module (no _start export)`);

    const stackMb = Number(process.env.AEROFLOW_WASM_STACK_MB || 512);
    if (!Number.isInteger(stackMb) || stackMb < 1 || stackMb > 4096)
        fail(`AEROFLOW_WASM_STACK_MB must be an integer from 1 to 4096`);
    const worker = new Worker(new URL(import.meta.url), {
        workerData: { module, args: argv, preopens, modulePath },
        resourceLimits: { stackSizeMb: stackMb },
        env: process.env,
    });
    // The module's output went straight to fds 1 and 2 (synchronous WASI
    // writes), so once the status arrives nothing is pending: exit at once
    // rather than wait for the worker's slow teardown.
    worker.on('message', (m) => {
        if (m.note)
            process.stderr.write(m.note);
        process.exit(m.status);
    });
    worker.on('error', (e) => {
        process.stderr.write(`run-wasm: ${modulePath}: ${e && e.message ? e.message : e}\n`);
        process.exit(kAbortStatus);
    });
    worker.on('exit', () => {
        process.exit(kAbortStatus); // ended without reporting a status
    });
}

// Worker thread: instantiate and run the module; report the exit status
// (and a note for stderr, written by the main thread) to the main thread.
async function runModule() {
    const { WASI } = await import('node:wasi');
    const { module, args, preopens, modulePath } = workerData;
    const wasi = new WASI({ version: 'preview1', args, env: process.env, preopens, returnOnExit: true });
    let status;
    let note = '';
    try {
        const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
        status = wasi.start(instance);
    } catch (e) {
        status = kAbortStatus;
        if (e instanceof WebAssembly.Exception) {
            // A C++ exception left main: what std::terminate does natively.
            note = 'terminate called: uncaught exception\n';
        } else if (e instanceof WebAssembly.RuntimeError) {
            // abort() is `unreachable`; it has said what it had to say.
            if (!/unreachable/.test(e.message))
                note = `run-wasm: ${modulePath}: trap: ${e.message}\n`;
        } else if (e instanceof RangeError && /call stack/i.test(e.message)) {
            note = `run-wasm: ${modulePath}: stack overflow\n`;
        } else if (e instanceof WebAssembly.LinkError) {
            note = `run-wasm: '${modulePath}' needs imports WASI preview1 does not provide: ${e.message}\n`;
            status = 2;
        } else {
            note = `run-wasm: ${modulePath}: ${e && e.stack ? e.stack : e}\n`;
        }
    }
    parentPort.postMessage({ status, note });
}

if (isMainThread)
    await main();
else
    await runModule();
