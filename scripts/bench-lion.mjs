// Lion/Tiger engine against the NumPy reference (a benchmark, not a test): `npm run bench:lion`.
//
// Builds the native command line, then alternates, ROUNDS times, `dynamics bench --ms 4000 lion-embedding`
// (the panel at its default settings, as the page steps it) with `python3 scripts/lion_numpy.py` (the same
// model at the same defaults, whole-array NumPy, BLAS limited to one thread like the Rust engine). Both report
// wall-clock steps per second; running them back to back keeps a machine's changing load roughly equal for
// the two. Prints the medians and their ratio (the target: at least 10).

import { spawnSync } from "node:child_process";
import { ROOT, capture, childEnv, run, say } from "./lib.mjs";

const ROUNDS = Number(process.env.ROUNDS || 3);
const NUMPY_STEPS = Number(process.env.NUMPY_STEPS || 4000);

function json(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, env: childEnv(env), encoding: "utf8" });
  if (r.error || r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.error?.message ?? r.stderr}`);
  return JSON.parse(r.stdout);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

say("building the native command line");
run("cargo", ["build", "--release", "--bin", "dynamics"]);
if (capture("python3", ["-c", "import numpy"]) === null) {
  throw new Error("NumPy is missing: python3 -m pip install numpy");
}
const rust = [];
const numpy = [];
const oneThread = { OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
for (let i = 0; i < ROUNDS; i++) {
  const r = json("target/release/dynamics", ["bench", "--ms", "4000", "lion-embedding"]);
  rust.push(r.panels[0].steps_per_sec);
  const n = json("python3", ["scripts/lion_numpy.py", "--steps", String(NUMPY_STEPS)], oneThread);
  numpy.push(n.steps_per_sec);
  console.log(`round ${i + 1}: rust ${rust[i].toFixed(0)} steps/s, numpy ${numpy[i].toFixed(0)} steps/s`);
}
const [r, n] = [median(rust), median(numpy)];
console.log(`median: rust ${r.toFixed(0)} steps/s, numpy ${n.toFixed(0)} steps/s, ratio ${(r / n).toFixed(1)}x`);
