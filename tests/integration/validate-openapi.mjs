// validate-openapi.mjs - validates an OpenAPI document (a file, as sitrepd
// served it) and exits 0 when it is valid, 1 with every problem on stderr.
//
//   node tests/integration/validate-openapi.mjs FILE
//
// The schema check is @seriousme/openapi-schema-validator's (the official
// OpenAPI JSON schemas, 3.0 to 3.2, run by ajv, plus $ref resolution); it
// does not look at what the schemas cannot say, so a few rules of the
// specification's text are checked here: every {name} in a path has a
// required path parameter of that name and no path parameter lacks its
// {name}, operationIds are unique, and (name, in) is unique per operation.
// Imports resolve against tests/node_modules (scripts/install-deps.sh).
import { readFile } from "node:fs/promises";
import { Validator } from "@seriousme/openapi-schema-validator";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

function deref(doc, obj) {
  // Local references only: the document is self-contained.
  let seen = 0;
  while (obj && typeof obj.$ref === "string" && seen++ < 16) {
    const parts = obj.$ref.replace(/^#\//, "").split("/")
      .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
    obj = parts.reduce((o, k) => (o === undefined ? undefined : o[k]), doc);
  }
  return obj;
}

function specRules(doc) {
  const problems = [];
  const operationIds = new Map();
  for (const [path, item] of Object.entries(doc.paths || {})) {
    const templated = new Set([...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]));
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const where = `${method.toUpperCase()} ${path}`;
      if (op.operationId) {
        if (operationIds.has(op.operationId))
          problems.push(`${where}: operationId '${op.operationId}' also used by ${operationIds.get(op.operationId)}`);
        operationIds.set(op.operationId, where);
      }
      // Operation parameters override path-level ones with the same (name, in).
      const params = new Map();
      for (const p of (item.parameters || []).map((p) => deref(doc, p)))
        params.set(`${p.in}:${p.name}`, p);
      const own = new Set();
      for (const p of (op.parameters || []).map((p) => deref(doc, p))) {
        if (!p) {
          problems.push(`${where}: a parameter $ref does not resolve`);
          continue;
        }
        const key = `${p.in}:${p.name}`;
        if (own.has(key)) problems.push(`${where}: parameter ${p.name} (in ${p.in}) listed twice`);
        own.add(key);
        params.set(key, p);
      }
      for (const name of templated) {
        const p = params.get(`path:${name}`);
        if (!p) problems.push(`${where}: no path parameter for {${name}}`);
        else if (p.required !== true) problems.push(`${where}: path parameter ${name} is not required`);
      }
      for (const p of params.values())
        if (p.in === "path" && !templated.has(p.name))
          problems.push(`${where}: path parameter ${p.name} is not in the path`);
    }
  }
  return problems;
}

async function main() {
  const file = process.argv[2];
  if (!file) {
    console.error("usage: validate-openapi.mjs FILE");
    return 2;
  }
  const doc = JSON.parse(await readFile(file, "utf8"));
  const validator = new Validator();
  const res = await validator.validate(doc);
  if (!res.valid) {
    console.error(`not a valid OpenAPI ${validator.version || "?"} document:`);
    console.error(JSON.stringify(res.errors, null, 2));
    return 1;
  }
  try {
    validator.resolveRefs();
  } catch (e) {
    console.error(`a $ref does not resolve: ${e.message}`);
    return 1;
  }
  const problems = specRules(doc);
  if (problems.length) {
    console.error(problems.join("\n"));
    return 1;
  }
  console.log(`valid OpenAPI ${validator.version}: ${Object.keys(doc.paths).length} paths`);
  return 0;
}

process.exitCode = await main();
