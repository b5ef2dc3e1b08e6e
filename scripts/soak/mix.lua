-- mix.lua - the request mix of scripts/soak.sh for wrk: each request is the
-- next path of the list below (one rotation per wrk thread), so searches,
-- facets, timelines, GeoJSON and entity lookups interleave evenly.  done()
-- prints one machine-readable line that soak.py parses.
local paths = {
  "/v1/search?q=shelling",
  "/v1/search?q=shelling&place=Kharkiv&limit=10",
  "/v1/search?place=UA&facets=place,person,country,source,date&limit=5",
  "/v1/search?q=evacuation%20OR%20convoy&sort=date_desc&fields=id%7Ctitle",
  "/v1/search?person=Zelensky&from=2022-01&to=2024-12",
  "/v1/search?near=49.99,36.23,300km&sort=distance&limit=5",
  "/v1/search?q=drone&highlight=true&offset=20&limit=20",
  "/v1/search?q=soakword&dedup=false&limit=50",
  "/v1/timeline?place=UA&interval=month",
  "/v1/timeline?q=shelling&interval=week",
  "/v1/geo?place=UA&limit=20&top=3",
  "/v1/geo?q=strike",
  "/v1/entities?type=place&prefix=khar&limit=10",
  "/v1/entities?type=person&prefix=ze",
  "/v1/entities/geonames:706483",
  "/v1/articles/sample-2022-02-28-kharkiv-shelling",
  "/v1/stats",
  "/v1/health",
}
local i = 0

function setup(thread)
  thread:set("offset", math.random(#paths))
end

function init(args)
  i = offset or 0
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "SOAK requests=%d duration_us=%d connect=%d read=%d write=%d status=%d timeout=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
