import type { ChildProcess } from 'node:child_process';

const children = new Set<ChildProcess>();
let hooked = false;

/**
 * A child in a process group of its own survives its parent; this ends it when the parent exits,
 * however it exits (a failing test run, the runner's own crash).
 */
export function killWithParent(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const running of children) running.kill('SIGKILL');
  });
}
