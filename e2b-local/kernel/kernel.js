// The JavaScript kernel of e2b-local's code interpreter: one Node.js process
// per `javascript` context (Node from the base image; standard library only).
//
// Protocol with e2b-local (e2b-local/src/code.rs), as kernel.py's: started as
// `node kernel.js` with fd 3 carrying the protocol (fd 1 and 2 go to
// e2b-local's log), it writes {"type": "kernel_ready"}, then reads one
// request per stdin line, {"code": "...", "env_vars": {...} or null}, and
// answers with the /execute lines: number_of_executions, stdout/stderr,
// result, error, end_of_execution.
//
// Each cell runs as a script in one persistent `vm` context, so variables,
// functions and top-level `let`/`const` last across runs (as in E2B's
// ijavascript kernel). The value of the cell's last expression is its main
// result, as `util.inspect` shows it (a Promise is awaited first). console.*
// and process.stdout/stderr.write during a cell become stdout/stderr lines;
// output after the cell ended is dropped. An exception is the run's error:
// its name, message and stack. SIGINT interrupts a running cell.

"use strict";

const fs = require("fs");
const readline = require("readline");
const util = require("util");
const vm = require("vm");
const { Console } = require("console");
const { Writable } = require("stream");

const PROTOCOL = 3;

function send(line) {
  // Python's json.dumps style, as the real server writes: ", " and ": ", \uXXXX for non-ASCII.
  const text = pyJson(line) + "\n";
  let buffer = Buffer.from(text, "ascii");
  while (buffer.length) {
    try {
      buffer = buffer.subarray(fs.writeSync(PROTOCOL, buffer));
    } catch (err) {
      if (err.code === "EAGAIN") continue;
      process.exit(0); // e2b-local is gone
    }
  }
}

function pyJson(value) {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") {
    return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
  }
  if (typeof value === "number" || typeof value === "boolean") return JSON.stringify(value);
  if (Array.isArray(value)) return "[" + value.map(pyJson).join(", ") + "]";
  return "{" + Object.entries(value).map(([k, v]) => pyJson(k) + ": " + pyJson(v)).join(", ") + "}";
}

function timestamp() {
  // RFC 3339 with microseconds and +00:00, as the real server's.
  return new Date().toISOString().replace(/\.(\d{3})Z$/, ".$1000+00:00");
}

let running = false;

function output(name) {
  return (chunk, encoding, callback) => {
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    if (running && text) send({ type: name, text, timestamp: timestamp() });
    const done = typeof encoding === "function" ? encoding : callback;
    if (typeof done === "function") done();
    return true;
  };
}

const stdoutWrite = output("stdout");
const stderrWrite = output("stderr");
process.stdout.write = stdoutWrite;
process.stderr.write = stderrWrite;
const userConsole = new Console({
  stdout: new Writable({ write: (chunk, encoding, callback) => stdoutWrite(chunk, callback) }),
  stderr: new Writable({ write: (chunk, encoding, callback) => stderrWrite(chunk, callback) }),
});

const sandbox = {
  console: userConsole,
  process,
  require,
  module: { exports: {} },
  Buffer,
  URL,
  URLSearchParams,
  TextEncoder,
  TextDecoder,
  setTimeout,
  clearTimeout,
  setInterval,
  clearInterval,
  setImmediate,
  clearImmediate,
  queueMicrotask,
  structuredClone,
  fetch: globalThis.fetch,
};
sandbox.exports = sandbox.module.exports;
sandbox.global = sandbox;
sandbox.globalThis = sandbox;
const context = vm.createContext(sandbox);

let count = 0;

function errorLine(err) {
  if (err && typeof err === "object" && "stack" in err) {
    return { type: "error", name: String(err.name || "Error"), value: String(err.message || ""), traceback: String(err.stack || "") };
  }
  return { type: "error", name: "Error", value: util.inspect(err), traceback: "" };
}

async function execute(raw) {
  count += 1;
  send({ type: "number_of_executions", execution_count: count });
  let request;
  try {
    request = JSON.parse(raw);
    if (typeof request.code !== "string") throw new Error('request needs a "code" string');
  } catch (err) {
    send({ type: "error", name: "ProtocolError", value: String(err.message), traceback: "" });
    send({ type: "end_of_execution" });
    return;
  }
  const envVars = request.env_vars || {};
  const saved = {};
  for (const [key, value] of Object.entries(envVars)) {
    saved[key] = process.env[key];
    process.env[key] = String(value);
  }
  running = true;
  try {
    const script = new vm.Script(request.code, { filename: `<cell ${count}>` });
    let value = script.runInContext(context, { breakOnSigint: true, displayErrors: false });
    if (value && typeof value.then === "function") value = await value;
    if (value !== undefined) {
      send({ type: "result", text: util.inspect(value), extra: {}, is_main_result: true });
    }
  } catch (err) {
    send(errorLine(err));
  } finally {
    running = false;
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
  send({ type: "end_of_execution" });
}

// Idle, SIGINT does nothing (as ipykernel); a running cell is broken off by breakOnSigint.
process.on("SIGINT", () => {});
// An exception in a callback after its cell ended must not end the context's state.
process.on("uncaughtException", (err) => fs.writeSync(2, `uncaught: ${util.inspect(err)}\n`));
process.on("unhandledRejection", (err) => fs.writeSync(2, `unhandled rejection: ${util.inspect(err)}\n`));

const queue = [];
let busy = false;
async function drain() {
  if (busy) return;
  busy = true;
  while (queue.length) await execute(queue.shift());
  busy = false;
}

readline.createInterface({ input: process.stdin, crlfDelay: Infinity }).on("line", (line) => {
  if (line.trim()) {
    queue.push(line);
    drain();
  }
}).on("close", () => process.exit(0));

send({ type: "kernel_ready" });
