#!/usr/bin/env node
/* latin-table.js - prints the C tables latin_base_00c0[] and latin_base_1e00[]
 * of indexer/gazetteer.c: each Latin letter with a diacritic (U+00C0..U+024F,
 * U+1E00..U+1EFF) mapped to its lower-case ASCII base by Unicode's canonical
 * decomposition (NFD), plus the ligatures and stroked letters NFD leaves
 * alone (special below).  Run by hand when the tables need to change:
 *     node scripts/gazetteer/latin-table.js
 */
'use strict';
const special = {0xDF:'ss',0xE6:'ae',0xC6:'ae',0x153:'oe',0x152:'oe',0xF8:'o',0xD8:'o',0x111:'d',0x110:'d',0x142:'l',0x141:'l',0x127:'h',0x126:'h',0x131:'i',0xFE:'th',0xDE:'th',0xF0:'d',0xD0:'d',0x138:'k',0x149:'n',0x14B:'n',0x14A:'n',0x17F:'s',0x180:'b',0x197:'i',0x268:'i',0x1B5:'z',0x1B6:'z',0x24C:'r',0x24D:'r',0x246:'e',0x247:'e',0x23A:'a',0x23B:'c',0x23C:'c',0x23E:'t',0x19A:'l',0x1A5:'p',0x1AB:'t',0x1AD:'t',0x1B3:'y',0x1B4:'y',0x188:'c',0x187:'c',0x18A:'d',0x18B:'d',0x18C:'d',0x191:'f',0x192:'f',0x193:'g',0x198:'k',0x199:'k',0x19D:'n',0x19E:'n',0x1A4:'p',0x1AC:'t',0x1AE:'t',0x1B2:'v',0x1E9E:'ss'};
function tbl(lo, hi) {
  const out = [];
  for (let c = lo; c <= hi; c++) {
    let m = '';
    if (special[c] !== undefined) m = special[c];
    else {
      const d = String.fromCodePoint(c).normalize('NFD');
      if (d.length > 1 && /^[A-Za-z]$/.test(d[0])) m = d[0].toLowerCase();
    }
    out.push(m);
  }
  let s = '';
  for (let i = 0; i < out.length; i += 12) s += '    ' + out.slice(i, i + 12).map(x => `"${x}"`).join(', ') + ',\n';
  return s;
}
console.log('/* U+00C0..U+024F */\n' + tbl(0xC0, 0x24F));
console.log('/* U+1E00..U+1EFF */\n' + tbl(0x1E00, 0x1EFF));
