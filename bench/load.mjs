#!/usr/bin/env node
/* global process, console, setTimeout, clearTimeout */
// Load generator, run as its own process so it does not share a CPU budget (event loop) with the
// server under test: `node bench/load.mjs '<json>'` with { url, connections, durationS, warmupS,
// method?, headers?, body? }. Warms up for warmupS (discarded), then measures for durationS and prints
// one JSON line: { requestsPerSec, latencyMs: { p50, p90, p97_5, p99, max, mean }, requests, non2xx, errors,
// timeouts, bytesPerSec }.
import autocannon from 'autocannon';

const args = JSON.parse(process.argv[2] ?? '{}');
const { url, connections = 20, durationS = 10, warmupS = 2, method = 'GET', headers, body } = args;
if (!url) {
  console.error('usage: node bench/load.mjs \'{"url":"http://127.0.0.1:3000/login"}\'');
  process.exit(2);
}

function run(duration) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { url, connections, duration, method, headers, body, timeout: 10, pipelining: 1 },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
    // never outlive the planned time by much, whatever the server does
    const guard = setTimeout(() => instance.stop(), (duration + 15) * 1000);
    instance.on('done', () => clearTimeout(guard));
  });
}

if (warmupS > 0) await run(warmupS);
const r = await run(durationS);
process.stdout.write(
  JSON.stringify({
    requestsPerSec: r.requests.average,
    latencyMs: {
      p50: r.latency.p50,
      p90: r.latency.p90,
      // autocannon has no p95; p97.5 is the nearest percentile above it
      p97_5: r.latency.p97_5,
      p99: r.latency.p99,
      max: r.latency.max,
      mean: r.latency.average,
    },
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    bytesPerSec: r.throughput.average,
  }) + '\n',
);
