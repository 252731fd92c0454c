// kindling-threads.mjs with 1 server thread(s). Usage: node kindling-threads-1.mjs [port]
process.env.BENCH_THREADS = '1';
await import('./kindling-threads.mjs');
