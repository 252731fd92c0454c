// Kindling HTTP hello world. Usage: node kindling-http-hello.mjs [port]
import { Router } from '@kindling/core';
import { serve } from './kindling-app.mjs';

await serve(new Router().get('/', () => 'Hello World!'));
