// kindling-threads.mjs with 2 server thread(s). Usage: node kindling-threads-2.mjs [port]
process.env.BENCH_THREADS = '2';
await import('./kindling-threads.mjs');
