import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// The README's example for the game must run and print what its comments say.
test('the README example of "The game and its exact analysis" runs and prints its documented values', () => {
  const root = resolve(__dirname, '..', '..');
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## The game and its exact analysis'));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  assert.ok(match, 'no ts code block in the section');
  const code = match[1];
  const expected = code.split('\n').filter((l) => l.startsWith('console.log(')).map((l) => l.slice(l.lastIndexOf('// ') + 3));
  assert.ok(expected.length >= 4);
  const dir = mkdtempSync(join(tmpdir(), 'readme-game-'));
  try {
    const file = join(dir, 'example.ts');
    writeFileSync(file, code.replace("'./src/index'", JSON.stringify(join(root, 'src', 'index'))));
    const out = execFileSync(process.execPath, ['--import', 'tsx', file], { cwd: root, encoding: 'utf8' });
    assert.deepEqual(out.trim().split('\n'), expected);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
