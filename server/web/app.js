/* app.js - the sitrep web UI: a search form over GET /v1/search and
 * GET /v1/timeline, facets that add filters, and a reader for
 * GET /v1/articles/{id}.  The form state lives in the page URL's query
 * string, so a search can be bookmarked and shared. */
"use strict";

const FILTERS = ["q", "place", "person", "from", "to", "sort"];
const FACETS = ["place", "person", "country", "source"];
const $ = (id) => document.getElementById(id);
let nextCursor = null;
let lastParams = null;

/* Text for the DOM: every string from the API goes through textContent,
 * except snippets, which the API HTML-escapes with only <mark> left raw. */
function el(tag, props, ...children) {
  const e = document.createElement(tag);
  Object.assign(e, props || {});
  for (const c of children) e.append(c);
  return e;
}

function formParams() {
  const p = new URLSearchParams();
  for (const k of FILTERS) {
    const v = $(k).value.trim();
    if (v) p.set(k, v);
  }
  if (!$("dedup").checked) p.set("dedup", "false");
  return p;
}

function fillForm(p) {
  for (const k of FILTERS) $(k).value = p.get(k) || "";
  $("dedup").checked = p.get("dedup") !== "false";
}

async function api(path, params) {
  const url = params ? `${path}?${params}` : path;
  const resp = await fetch(url, { headers: { Accept: "application/json" } });
  const body = await resp.json().catch(() => null);
  if (!resp.ok) {
    const msg = body && body.error ? body.error.message : `HTTP ${resp.status}`;
    const err = new Error(msg);
    err.body = body;
    throw err;
  }
  return body;
}

function showError(err) {
  const s = $("status");
  s.className = "error";
  s.textContent = err.message;
  const cands = err.body && err.body.error && err.body.error.candidates;
  if (cands && cands.length) {
    s.append(" — did you mean: ");
    cands.slice(0, 5).forEach((c, i) => {
      if (i) s.append(", ");
      const b = el("button", { type: "button", className: "chip", textContent: `${c.name} (${c.country || c.id})` });
      b.dataset.id = c.id;
      b.onclick = () => addFilter(err.body.error.param || "place", c.id);
      s.append(b);
    });
  }
}

function chip(kind, ent) {
  const b = el("button", { type: "button", className: `chip ${kind}`, textContent: ent.name, title: ent.id });
  b.onclick = () => addFilter(kind, ent.id);
  return b;
}

function renderHit(h) {
  const title = el("button", { type: "button", textContent: h.title || h.id });
  title.onclick = () => openArticle(h.id);
  const meta = [h.published, h.source].filter(Boolean).join(" · ");
  const li = el("li", {}, el("h2", {}, title), el("div", { className: "meta", textContent: meta }));
  if (h.copies > 1) li.querySelector(".meta").append(` · ${h.copies} copies`);
  if (h.snippet) {
    const s = el("p", { className: "snippet" });
    s.innerHTML = h.snippet;
    li.append(s);
  }
  const chips = el("div", { className: "chips" });
  (h.places || []).slice(0, 6).forEach((p) => chips.append(chip("place", p)));
  (h.persons || []).slice(0, 6).forEach((p) => chips.append(chip("person", p)));
  li.append(chips);
  return li;
}

function renderFacets(facets) {
  const box = $("facets");
  box.replaceChildren();
  for (const name of FACETS) {
    const values = (facets || {})[name];
    if (!values || !values.length) continue;
    const ul = el("ul");
    for (const v of values) {
      const b = el("button", { type: "button", textContent: v.label, title: v.value });
      b.onclick = () => addFilter(name === "country" ? "place" : name, v.value);
      ul.append(el("li", {}, b, el("span", { className: "count", textContent: String(v.count) })));
    }
    box.append(el("h3", { textContent: name }), ul);
  }
}

function renderTimeline(t) {
  const box = $("timeline");
  box.replaceChildren();
  const buckets = (t && t.buckets) || [];
  if (buckets.length < 2) return;
  const max = Math.max(...buckets.map((b) => b.articles), 1);
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${buckets.length} 100`);
  svg.setAttribute("preserveAspectRatio", "none");
  buckets.forEach((b, i) => {
    const r = document.createElementNS(ns, "rect");
    const h = (b.articles / max) * 100;
    r.setAttribute("x", i + 0.1);
    r.setAttribute("width", 0.8);
    r.setAttribute("y", 100 - h);
    r.setAttribute("height", h);
    const title = document.createElementNS(ns, "title");
    title.textContent = `${b.date}: ${b.articles}`;
    r.append(title);
    svg.append(r);
  });
  box.append(svg);
}

async function search(append) {
  const p = append ? new URLSearchParams(lastParams) : formParams();
  if (!append) {
    lastParams = p.toString();
    history.replaceState(null, "", p.toString() ? `?${p}` : location.pathname);
  }
  const sp = new URLSearchParams(p);
  sp.set("limit", "20");
  if (append) sp.set("cursor", nextCursor);
  else sp.set("facets", FACETS.join(","));
  $("status").className = "";
  $("status").textContent = "Searching…";
  try {
    const [res, tl] = await Promise.all([
      api("/v1/search", sp),
      append ? null : api("/v1/timeline", new URLSearchParams([...p].filter(([k]) => k !== "sort"))).catch(() => null),
    ]);
    if (!append) {
      $("hits").replaceChildren();
      renderFacets(res.facets);
      renderTimeline(tl);
    }
    res.hits.forEach((h) => $("hits").append(renderHit(h)));
    const shown = $("hits").children.length;
    const total = res.total.relation === "eq" ? res.total.value : `${res.total.value}+`;
    $("status").textContent = `${shown} of ${total} articles · ${res.took_ms} ms`;
    nextCursor = res.next_cursor || null;
    $("more").hidden = !nextCursor;
  } catch (err) {
    if (!append) {
      $("hits").replaceChildren();
      renderFacets(null);
      renderTimeline(null);
    }
    $("more").hidden = true;
    showError(err);
  }
}

function addFilter(kind, value) {
  $(kind).value = value;
  search(false);
}

async function openArticle(id) {
  try {
    const a = await api(`/v1/articles/${encodeURIComponent(id)}`);
    $("reader-title").textContent = a.title || a.id;
    const meta = $("reader-meta");
    meta.replaceChildren([a.published, a.source].filter(Boolean).join(" · "));
    if (a.url) meta.append(" · ", el("a", { href: a.url, textContent: "original", rel: "noopener noreferrer", target: "_blank" }));
    const text = $("reader-text");
    text.replaceChildren(...(a.text || "").split(/\n+/).map((para) => el("p", { textContent: para })));
    $("reader").hidden = false;
  } catch (err) {
    showError(err);
  }
}

/* Autocomplete: the entity endpoint matches names, aliases and other
 * scripts; the datalist shows canonical names and submits the id. */
function autocomplete(kind) {
  let timer = null;
  $(kind).addEventListener("input", () => {
    clearTimeout(timer);
    const prefix = $(kind).value.trim();
    if (prefix.length < 2) return;
    timer = setTimeout(async () => {
      try {
        const r = await api("/v1/entities", new URLSearchParams({ type: kind, prefix, limit: "8" }));
        $(`${kind}-options`).replaceChildren(
          ...r.entities.map((e) => el("option", { value: e.id, label: [e.name, e.country].filter(Boolean).join(", ") })));
      } catch (err) {
        /* Autocomplete is a convenience: a failure leaves the box as typed. */
      }
    }, 150);
  });
}

$("search").addEventListener("submit", (e) => {
  e.preventDefault();
  search(false);
});
$("more").onclick = () => search(true);
$("close").onclick = () => ($("reader").hidden = true);
autocomplete("place");
autocomplete("person");
fillForm(new URLSearchParams(location.search));
search(false);
