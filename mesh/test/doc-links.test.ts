import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { execFileSync } from 'node:child_process';
import { expect } from 'chai';
import { repoRoot } from '../envoy/generated-files.js';

/** Every Markdown file git knows (committed or staged), so a clone has exactly these. */
const markdownFiles = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.md'], { cwd: repoRoot, encoding: 'utf8' })
  .split('\n')
  .filter(Boolean);

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
}

function anchorsIn(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((match) => anchorOf(match[1] ?? '')));
}

/** Relative links of a Markdown text, outside code blocks: [text](target) with no scheme. */
function relativeLinks(text: string): string[] {
  const prose = text.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] ?? '').filter((target) => !/^[a-z]+:/i.test(target));
}

describe('documentation links', () => {
  it('finds the README and the docs', () => {
    expect(markdownFiles).to.include.members(['README.md', 'docs/domain.md', 'docs/architecture.md', 'docs/adding-a-context.md']);
  });

  for (const source of markdownFiles) {
    it(`${source}: every relative link reaches a file of the repository, and its anchor a heading`, () => {
      const broken: string[] = [];
      for (const link of relativeLinks(readFileSync(join(repoRoot, source), 'utf8'))) {
        const [path = '', anchor] = link.split('#');
        const target = path === '' ? join(repoRoot, source) : join(repoRoot, dirname(source), path);
        if (relative(repoRoot, target).startsWith('..') || !existsSync(target)) broken.push(`${link}: no such file in the repository`);
        else if (anchor !== undefined && statSync(target).isFile() && !anchorsIn(target).has(anchor)) broken.push(`${link}: no heading #${anchor}`);
      }
      expect(broken).to.deep.equal([]);
    });
  }
});
