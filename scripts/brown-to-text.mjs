// Turns Brown corpus files (Form C: `word/tag` tokens, one tab-indented sentence per line) into
// plain English, one sentence per line, and writes a train/validation split.
//   node scripts/brown-to-text.mjs SRC_DIR OUT_DIR [--val-every N]
// Files ca01..cr09 are split by file, not by sentence, so validation text is never seen in
// training: every Nth file (default 20) goes to val.txt.
import fs from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
if (args.length < 2) {
  console.error('usage: brown-to-text.mjs SRC_DIR OUT_DIR [--val-every N]');
  process.exit(2);
}
const [src, out] = args;
const vi = args.indexOf('--val-every');
const valEvery = vi >= 0 ? parseInt(args[vi + 1], 10) : 20;
if (!(valEvery >= 2)) { console.error(`brown-to-text: --val-every must be >= 2`); process.exit(2); }

// Keep each token up to its last '/': "Atlanta's/np$" -> "Atlanta's", "1/2/cd" -> "1/2".
export function stripTag(tok) {
  const i = tok.lastIndexOf('/');
  return i > 0 ? tok.slice(0, i) : tok;
}

const NO_SPACE_BEFORE = new Set(['.', ',', ';', ':', '!', '?', ')', ']', '}', "'", "''", "n't", "'s", "'re", "'ve", "'ll", "'d", "'m", '%']);
const NO_SPACE_AFTER = new Set(['(', '[', '{', '``', '$']);

// Re-join word tokens with the spacing a reader expects: quotes hug what they quote, punctuation
// hugs the word before it.
export function detokenize(words) {
  let s = '';
  let glueNext = true;
  for (const w0 of words) {
    const w = w0 === '``' ? '"' : w0 === "''" ? '"' : w0;
    if (w0 === '.' && s.endsWith('.')) continue;  // "Jr." ending a sentence: one period, not two
    const glue = glueNext || NO_SPACE_BEFORE.has(w0) || /^[.,;:!?]+$/.test(w0);
    s += (glue ? '' : ' ') + w;
    glueNext = NO_SPACE_AFTER.has(w0);
  }
  return s.replace(/\s+/g, ' ').trim();
}

export function convertFile(text) {
  const lines = [];
  for (const raw of text.split('\n')) {
    const toks = raw.trim().split(/\s+/).filter(Boolean);
    if (toks.length === 0) continue;
    const sent = detokenize(toks.map(stripTag));
    if (sent) lines.push(sent);
  }
  return lines;
}

const files = fs.readdirSync(src).filter((f) => /^c[a-r]\d\d$/.test(f)).sort();
if (files.length === 0) { console.error(`brown-to-text: ${src}: no Brown files (ca01..cr09) found`); process.exit(2); }
const train = [], val = [];
files.forEach((f, i) => {
  const lines = convertFile(fs.readFileSync(path.join(src, f), 'utf8'));
  ((i % valEvery) === valEvery - 1 ? val : train).push(...lines);
});
fs.mkdirSync(out, { recursive: true });
// Atomic: write beside, then rename.
for (const [name, lines] of [['train.txt', train], ['val.txt', val]]) {
  const p = path.join(out, name);
  fs.writeFileSync(p + '.tmp', lines.join('\n') + '\n');
  fs.renameSync(p + '.tmp', p);
}
const words = (ls) => ls.reduce((n, l) => n + l.split(' ').length, 0);
console.log(`brown-to-text: ${files.length} files -> ${train.length} train sentences (${words(train)} words), ` +
            `${val.length} validation sentences (${words(val)} words) in ${out}`);
