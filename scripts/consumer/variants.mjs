// The consumer app's variants beside getting-started's own files: other moduleResolution
// settings, a CommonJS app, a DTO outside tsconfig's "include", and a project that type-checks
// the package READMEs. Paths are relative to the app.

/** The plain-JavaScript CommonJS entry point. */
export const CJS_MAIN = 'cjs/main.js';

const json = (value) => `${JSON.stringify(value, null, 2)}\n`;

/** Starts an app on a free port, asks it one thing, prints the answer and shuts it down. */
const probe = (request, print) => `const app = new App(router, { logger: false });
const port = await app.listen({ port: 0, host: '127.0.0.1' });
const res = await fetch(\`http://127.0.0.1:\${port}${request.path}\`${request.init ? `, ${request.init}` : ''});
console.log(${print}, res.status, await res.text());
await app.shutdown();
`;

const healthProbe = probe({ path: '/health' }, "'GET /health'");

/**
 * @param {string} tsconfig  getting-started's tsconfig.json, as the page shows it.
 * @returns {Record<string, string>}
 */
export function variantFiles(tsconfig) {
  const base = JSON.parse(tsconfig);
  return {
    'tsconfig.readme.json': json({ extends: './tsconfig.json', compilerOptions: { rootDir: '.', noEmit: true }, include: ['readme'] }),
    'tsconfig.node16.json': json({ extends: './tsconfig.json', compilerOptions: { module: 'node16', moduleResolution: 'node16', noEmit: true } }),
    'tsconfig.bundler.json': json({ extends: './tsconfig.json', compilerOptions: { module: 'preserve', moduleResolution: 'bundler', noEmit: true } }),

    // A CommonJS app. Plain require() relies on Node loading an ES module with require();
    // TypeScript allows that import only under module nodenext (node16 reports TS1479).
    'cjs/package.json': json({ name: 'rooms-cjs', private: true, type: 'commonjs' }),
    [CJS_MAIN]: `const { App, Router } = require('@kindling/core');
require('@kindling/testing');

const router = new Router().get('/health', () => ({ ok: true }));
async function main() {
${indent(healthProbe)}}
main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
`,
    'cjs/server.ts': `import { App, Router } from '@kindling/core';

const router = new Router().get('/health', () => ({ ok: true }));
async function main(): Promise<void> {
${indent(healthProbe)}}
main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
`,
    'cjs/tsconfig.json': json({
      compilerOptions: {
        target: 'ES2022',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        strict: true,
        experimentalDecorators: true,
        outDir: 'dist',
        rootDir: '.',
      },
      include: ['server.ts'],
    }),
    'cjs/tsconfig.node16.json': json({ extends: './tsconfig.json', compilerOptions: { module: 'node16', moduleResolution: 'node16', noEmit: true } }),

    // getting-started's tsconfig with the DTO in a folder beside src/, outside "include".
    'outside/tsconfig.json': tsconfig,
    'outside/tsconfig.fixed.json': json({ ...base, compilerOptions: { ...base.compilerOptions, rootDir: '.' }, include: ['src', 'shared'] }),
    'outside/shared/room-dto.ts': `import { IsInt, IsString, Length, Max, Min } from 'class-validator';

export class CreateRoom {
  @IsString() @Length(1, 64) name!: string;
  @IsInt() @Min(2) @Max(100) capacity!: number;
}
`,
    'outside/src/server.ts': `import 'reflect-metadata';
import { App, Json, Router } from '@kindling/core';
import { CreateRoom } from '../shared/room-dto.js';

const router = new Router().post('/rooms', [Json(CreateRoom)], (room) => ({ name: room.name }));
${probe({ path: '/rooms', init: "{ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'lobby', capacity: 1 }) }" }, "'POST /rooms'")}`,
  };
}

function indent(code) {
  return code
    .split('\n')
    .map((line) => (line ? `  ${line}` : line))
    .join('\n');
}
