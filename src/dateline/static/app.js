/* dateline dashboard: map, timeline, summary and list of stored events, and an evidence view per event.
 *
 * Every piece of stored data (report text, titles, names, quotes) reaches the page through
 * textContent or DOM building, never through innerHTML, so a hostile report shows as text.
 * Filters live in the URL query string, so a filtered view can be bookmarked or shared.
 */
(function () {
  "use strict";

  const MAP_EVENT_CAP = 2000; // events loaded for the map and timeline
  const PAGE = 500;
  const LIST_PAGE = 50;
  // The API's filter parameters, in the order the form shows them; sort is the list's order.
  const FILTER_KEYS = ["type", "acled_event_type", "acled_sub_event_type", "country", "admin1", "actor", "since", "until",
    "min_fatalities", "max_fatalities", "min_sources", "certainty", "background", "text", "sort"];
  const TYPE_COLOURS = {
    ASSAULT: "#d7301f", PROTEST: "#3182bd", COERCE: "#8856a7", ACCUSE: "#e6a000", THREATEN: "#f16913",
    MOBILIZE: "#636363", DEMAND: "#31a354", CONSULT: "#17becf", AGREE: "#2ca25f", SUPPORT: "#74c476",
    AID: "#1c9099", SANCTION: "#a63603", REJECT: "#c51b8a", RETREAT: "#969696", CONCEDE: "#9ebcda",
    REQUEST: "#bcbd22", COOPERATE: "#6baed6",
  };
  // How close the map goes for an event placed at this precision: a town, a province, a country.
  const PRECISION_ZOOM = { street: 12, district: 11, city: 10, admin1: 7, country: 5, region: 4 };
  const AREA_PRECISIONS = new Set(["admin1", "country", "region"]); // drawn as rings, never as town dots
  // Base-map labels: the smallest town labelled at each zoom, and how many labels at most.
  const TOWN_POP_AT_ZOOM = [[10, 5000], [9, 15000], [8, 40000], [7, 100000], [6, 300000], [5, 1000000], [4, 3000000]];
  const MAX_LABELS = 220;

  const ANTARCTICA = "010"; // ISO numeric id; left out: Mercator cannot draw the pole and no events are there
  const state = {
    events: [], listShown: 0, map: null, cluster: null, areas: null, markers: new Map(), tileLayer: null, tiles: [],
    basemap: null, labels: null, bins: null, dropped: [], seen: { acled: new Set(), acledSub: new Set(), admin1: new Set(), actor: new Set() },
  };
  const $ = (id) => document.getElementById(id);
  // ------------------------------------------------------------ small helpers

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = String(value);
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value);
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function svg(tag, attrs) {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
    return node;
  }

  function typeColour(type) {
    if (TYPE_COLOURS[type]) return TYPE_COLOURS[type];
    let h = 0;
    for (const ch of String(type || "?")) h = (h * 31 + ch.codePointAt(0)) % 360;
    return `hsl(${h}, 55%, 45%)`;
  }

  function safeUrl(url) {
    if (!url) return null;
    try {
      const parsed = new URL(String(url), window.location.href);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (err) {
      return null;
    }
  }

  async function api(path) {
    const response = await fetch(path, { headers: { Accept: "application/json" } });
    let body = null;
    try {
      body = await response.json();
    } catch (err) {
      body = null;
    }
    if (!response.ok) {
      const err = new Error((body && body.error) || `${response.status} ${response.statusText}`);
      err.status = response.status;
      throw err;
    }
    return body;
  }

  // ------------------------------------------------------------ reading event dicts

  const evDate = (ev) => (ev.date && typeof ev.date === "object" ? ev.date.start : ev.date_start || ev.date) || null;
  const evDateEnd = (ev) => (ev.date && typeof ev.date === "object" ? ev.date.end : ev.date_end) || null;
  const evLoc = (ev) => (ev.location && typeof ev.location === "object" ? ev.location : ev);
  const num = (v) => (v === null || v === undefined || v === "" || Number.isNaN(Number(v)) ? null : Number(v));

  function evSources(ev) {
    for (const key of ["sources_count", "n_sources", "source_count"]) if (num(ev[key]) !== null) return num(ev[key]);
    if (Array.isArray(ev.sources)) return ev.sources.length;
    return num(ev.sources) || 1;
  }

  function evLatLon(ev) {
    const loc = evLoc(ev);
    const lat = num(loc.lat), lon = num(loc.lon);
    return lat === null || lon === null ? null : [lat, lon];
  }

  const evPrecision = (ev) => evLoc(ev).precision || "city";
  const isArea = (ev) => AREA_PRECISIONS.has(evPrecision(ev));

  function evKilled(ev) {
    const f = ev.fatalities;
    if (f === null || f === undefined) return 0;
    if (typeof f !== "object") return num(f) || 0;
    return num(f.best) ?? num(f.low) ?? num(f.high) ?? 0;
  }

  function placeText(ev) {
    const loc = evLoc(ev);
    const parts = [loc.name, loc.admin1 !== loc.name ? loc.admin1 : null, loc.country].filter(Boolean);
    return parts.join(", ") || "place unknown";
  }

  function dateText(ev) {
    const start = evDate(ev), end = evDateEnd(ev);
    if (!start) return "date unknown";
    return end && end !== start ? `${start} – ${end}` : start;
  }

  function countText(count) {
    if (count === null || count === undefined) return null;
    if (typeof count !== "object") return String(count);
    const low = num(count.low), best = num(count.best), high = num(count.high);
    if (low === null && best === null && high === null) return count.text ? String(count.text) : null;
    if (low !== null && high !== null && low !== high) return best !== null ? `${low}–${high} (best ${best})` : `${low}–${high}`;
    if (low !== null && high === null) return best !== null && best !== low ? `at least ${low} (best ${best})` : `at least ${low}`;
    return String(best ?? low ?? high);
  }

  // ------------------------------------------------------------ filters and URL state

  function readFilters() {
    const params = new URLSearchParams(window.location.search);
    const filters = {};
    for (const key of FILTER_KEYS) if (params.get(key)) filters[key] = params.get(key);
    return filters;
  }

  const formField = (key) => $("filters").elements.namedItem(key);

  function writeFormFromFilters(filters) {
    for (const key of FILTER_KEYS) {
      const field = formField(key);
      if (!field) continue;
      if (field.tagName === "SELECT") ensureOption(field, filters[key]);
      field.value = filters[key] || "";
    }
  }

  function filtersFromForm() {
    const form = new FormData($("filters"));
    const filters = {};
    for (const key of FILTER_KEYS) {
      const value = String(form.get(key) || "").trim();
      if (value) filters[key] = value;
    }
    return filters;
  }

  function filterQuery(filters) {
    const params = new URLSearchParams();
    for (const key of FILTER_KEYS) if (filters[key] && !state.dropped.includes(key)) params.set(key, filters[key]);
    return params;
  }

  function setUrl(filters, hash) {
    const params = new URLSearchParams();
    for (const key of FILTER_KEYS) if (filters[key]) params.set(key, filters[key]); // the URL keeps every choice
    const tiles = new URLSearchParams(window.location.search).get("tiles");
    if (tiles) params.set("tiles", tiles);
    const query = params.toString();
    const url = window.location.pathname + (query ? `?${query}` : "") + (hash || "");
    window.history.replaceState(null, "", url);
  }

  function ensureOption(select, value, label) {
    if (!value || [...select.options].some((o) => o.value === value)) return;
    select.append(el("option", { value, text: label || value }));
  }

  /* Values seen in loaded events become suggestions for the free-text filters. */
  function rememberValues(events) {
    for (const ev of events) {
      if (ev.acled && ev.acled.event_type) state.seen.acled.add(ev.acled.event_type);
      if (ev.acled && ev.acled.sub_event_type) state.seen.acledSub.add(ev.acled.sub_event_type);
      if (evLoc(ev).admin1) state.seen.admin1.add(evLoc(ev).admin1);
      for (const actor of ev.actors || []) if (actor.name) state.seen.actor.add(actor.name);
    }
    const fill = (id, values) => $(id).replaceChildren(...[...values].sort().slice(0, 500).map((v) => el("option", { value: v })));
    fill("l-acled", state.seen.acled);
    fill("l-acled-sub", state.seen.acledSub);
    fill("l-admin1", state.seen.admin1);
    fill("l-actor", state.seen.actor);
  }

  // ------------------------------------------------------------ loading

  async function loadStats() {
    const stats = await api("/api/stats");
    const byType = stats.by_type || {};
    const byCountry = stats.by_country || {};
    for (const type of Object.keys(byType).sort()) ensureOption($("f-type"), type, `${type} (${byType[type]})`);
    for (const code of Object.keys(byCountry).filter((c) => /^[A-Z]{2}$/.test(c)).sort()) ensureOption($("f-country"), code, `${code} (${byCountry[code]})`);
    $("summary").textContent = `${stats.events ?? 0} events from ${stats.reports ?? 0} reports`;
  }

  /* A parameter this server does not take yet comes back as a 422 naming it: say so, and ask again without it,
   * so one new filter never blanks the whole dashboard. */
  function unknownParam(err) {
    const match = err.status === 422 && /unknown query parameter '([^']+)'/.exec(err.message);
    return match && FILTER_KEYS.includes(match[1]) && !state.dropped.includes(match[1]) ? match[1] : null;
  }

  async function fetchEvents(filters) {
    const events = [];
    let cursor = null;
    do {
      const params = filterQuery(filters);
      params.set("limit", String(PAGE));
      if (cursor) params.set("cursor", cursor);
      const page = await api(`/api/events?${params}`);
      events.push(...(page.events || []));
      cursor = page.next_cursor;
    } while (cursor && events.length < MAP_EVENT_CAP);
    return { events, more: Boolean(cursor) };
  }

  async function fetchTolerant(filters) {
    for (;;) {
      try {
        return await fetchEvents(filters);
      } catch (err) {
        const name = unknownParam(err);
        if (!name) throw err;
        state.dropped.push(name);
        showFilterError(`${err.message} — the “${name}” filter is ignored until the server supports it.`);
      }
    }
  }

  function showFilterError(message) {
    const line = $("filter-error");
    line.textContent = message;
    line.hidden = !message;
  }

  async function loadEvents(filters) {
    $("status").textContent = "loading events…";
    state.dropped = [];
    showFilterError("");
    const { events, more } = await fetchTolerant(filters);
    state.events = events;
    const shown = more ? ` (first ${events.length} shown)` : "";
    $("status").textContent = events.length ? `${events.length} events${shown}` : "No events match these filters.";
    $("list-title").textContent = `Events (${events.length}${more ? "+" : ""})`;
    rememberValues(events);
    renderMap(events);
    renderTimeline(events);
    renderList(true);
    renderLegend(events);
    renderSummary(events);
    updateExportLinks(filters);
    $("timeline-clear").hidden = !(filters.since || filters.until);
  }

  function updateExportLinks(filters) {
    for (const link of document.querySelectorAll(".export a[data-format]")) {
      const params = filterQuery(filters);
      params.set("format", link.dataset.format);
      link.href = `/api/export?${params}`;
    }
  }

  async function applyFilters(filters) {
    setUrl(filters, "");
    showList();
    try {
      await loadEvents(filters);
    } catch (err) {
      $("status").textContent = `Could not load events: ${err.message}`;
      showFilterError(err.message);
    }
  }

  function applyForm(changes) {
    const filters = { ...filtersFromForm(), ...changes };
    for (const key of Object.keys(filters)) if (!filters[key]) delete filters[key];
    writeFormFromFilters(filters);
    return applyFilters(filters);
  }
  // ------------------------------------------------------------ map

  function initMap() {
    const map = L.map("map", { worldCopyJump: true, minZoom: 2, maxZoom: 13, zoomControl: true, preferCanvas: true });
    map.setView([20, 15], 2);
    map.attributionControl.setPrefix("Leaflet");
    state.map = map;
    const tiles = new URLSearchParams(window.location.search).get("tiles") || localStorage.getItem("dateline.tiles");
    if (tiles) useTiles(tiles);
    map.createPane("basemap").style.zIndex = 250;
    map.createPane("labels").style.zIndex = 450;
    map.getPane("labels").style.pointerEvents = "none";
    state.outlines = fetch("/static/vendor/world-atlas/countries-110m.json")
      .then((r) => r.json())
      .then((topo) => {
        const countries = topojson.feature(topo, topo.objects.countries);
        countries.features = countries.features.filter((f) => f.id !== ANTARCTICA).map(unwrapFeature);
        state.world = L.geoJSON(countries, { pane: "basemap", interactive: false, style: { color: "#8a9bb0", weight: 0.7, fillColor: "#f4f1ea", fillOpacity: 1 } })
          .addTo(map);
        map.attributionControl.addAttribution("Boundaries: Natural Earth");
      })
      .catch(() => { /* the map still works without outlines */ });
    state.labels = L.layerGroup().addTo(map);
    state.cluster = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40, iconCreateFunction: clusterIcon });
    state.areas = L.layerGroup();
    map.addLayer(state.areas);
    map.addLayer(state.cluster);
    map.on("zoomend moveend", updateBasemap);
    map.on("zoomend", () => { $("map").dataset.zoom = String(map.getZoom()); });
  }

  // ------------------------------------------------------------ detailed base map (built at setup, served at /basemap)

  /* Loaded the first time the map is zoomed in past the world view, which the 1:110m outlines draw well. */
  async function loadBasemap() {
    if (state.basemapLoading) return;
    state.basemapLoading = true;
    try {
      const index = await fetch("/basemap/index.json").then((r) => (r.ok ? r.json() : Promise.reject(new Error(String(r.status)))));
      const [lines, places] = await Promise.all(index.files.map((f) => fetch(`/basemap/${f}`).then((r) => r.json())));
      state.basemap = { layers: detailLayers(lines), places };
      document.body.dataset.basemap = "detailed";
      $("map").dataset.basemap = "detailed";
      updateBasemap();
    } catch (err) {
      document.body.dataset.basemap = "outline";
      state.map.attributionControl.addAttribution("detailed map not built: run make setup");
    }
  }

  function decode(flat, scale) {
    const out = [];
    let lon = 0, lat = 0;
    for (let i = 0; i + 1 < flat.length; i += 2) {
      lon += flat[i];
      lat += flat[i + 1];
      out.push([lat / scale, lon / scale]);
    }
    return out;
  }

  function detailLayers(data) {
    const renderer = L.canvas({ pane: "basemap", padding: 0.2 });
    const opts = { renderer, interactive: false, smoothFactor: 1.5 };
    const paths = (key) => data.layers[key].map((p) => decode(p, data.scale));
    return {
      land: L.polygon(paths("land"), { ...opts, stroke: true, color: "#8a9bb0", weight: 0.6, fillColor: "#f4f1ea", fillOpacity: 1 }),
      admin1: L.polyline(paths("admin1"), { ...opts, color: "#a99f8f", weight: 0.8, dashArray: "3 3" }),
      borders: L.polyline(paths("borders"), { ...opts, color: "#6f7f93", weight: 1.3 }),
    };
  }

  function toggle(layer, on) {
    if (on && !state.map.hasLayer(layer)) layer.addTo(state.map);
    if (!on && state.map.hasLayer(layer)) state.map.removeLayer(layer);
  }

  /* Zoomed out, the 1:110m outlines; from zoom 4 the 1:10m land and borders, from 5 the province lines; labels
   * for countries, then regions, then towns by population, never more than MAX_LABELS. */
  function updateBasemap() {
    const zoom = state.map.getZoom();
    if (!state.basemap) {
      if (zoom >= 4) loadBasemap();
      return;
    }
    const detail = zoom >= 4;
    toggle(state.basemap.layers.land, detail);
    toggle(state.basemap.layers.borders, detail);
    toggle(state.basemap.layers.admin1, zoom >= 5);
    if (state.world) toggle(state.world, !detail);
    drawLabels(zoom);
  }

  function drawLabels(zoom) {
    const bounds = state.map.getBounds().pad(0.05);
    const places = state.basemap.places;
    const labels = [];
    const inView = (row) => bounds.contains([row[1], row[2]]);
    if (zoom >= 3 && zoom <= 6) for (const c of places.countries) if (inView(c)) labels.push(["country", c[0], c[1], c[2]]);
    if (zoom >= 6 && zoom <= 9) for (const r of places.regions) if (r[3] > 0 && inView(r) && labels.length < MAX_LABELS / 3) labels.push(["region", r[0], r[1], r[2]]);
    const minPop = (TOWN_POP_AT_ZOOM.find(([z]) => zoom >= z) || [0, Infinity])[1];
    for (const t of places.towns) {
      if (labels.length >= MAX_LABELS || t[3] < minPop) break; // towns come biggest first
      if (inView(t)) labels.push([t[4] ? "capital" : "town", t[0], t[1], t[2]]);
    }
    state.labels.clearLayers();
    const taken = [];
    for (const [kind, name, lat, lon] of labels) {
      if (crowded(taken, state.map.latLngToContainerPoint([lat, lon]), name)) continue; // bigger places win
      state.labels.addLayer(placeLabel(kind, name, lat, lon));
    }
  }

  /* Whether a label at `point` would overlap one already placed; if not, its box is taken. */
  function crowded(taken, point, name) {
    const box = { x0: point.x - 4, x1: point.x + 7 * name.length + 8, y0: point.y - 8, y1: point.y + 8 };
    if (taken.some((b) => box.x0 < b.x1 && b.x0 < box.x1 && box.y0 < b.y1 && b.y0 < box.y1)) return true;
    taken.push(box);
    return false;
  }

  function placeLabel(kind, name, lat, lon) {
    const html = el("span", { class: `place-label ${kind}` }, kind === "town" || kind === "capital" ? el("i", { class: "town-dot" }) : null, name);
    const icon = L.divIcon({ html, className: "place-label-icon", iconSize: null });
    return L.marker([lat, lon], { icon, pane: "labels", interactive: false, keyboard: false });
  }

  /* Rings that cross the antimeridian jump from +180 to -180; shifting later points by 360 degrees keeps each
   * ring continuous, so Leaflet draws the shape instead of a stripe across the whole map. */
  function unwrapRing(ring) {
    let shift = 0;
    return ring.map(([lon, lat], i) => {
      if (i > 0) {
        const prev = ring[i - 1][0];
        if (lon - prev > 180) shift -= 360;
        else if (lon - prev < -180) shift += 360;
      }
      return [lon + shift, lat];
    });
  }

  function unwrapFeature(feature) {
    const geom = feature.geometry;
    if (!geom) return feature;
    const polys = geom.type === "Polygon" ? [geom.coordinates] : geom.type === "MultiPolygon" ? geom.coordinates : [];
    const fixed = polys.map((poly) => poly.map(unwrapRing));
    const coordinates = geom.type === "Polygon" ? fixed[0] : fixed;
    return { ...feature, geometry: { type: geom.type, coordinates } };
  }

  /* Tiles come only from the tile servers the server allows (GET /api/health lists them, and its
   * Content-Security-Policy admits no others), so a shared link cannot make the page load from another host. */
  function useTiles(url) {
    if (state.tileLayer) state.map.removeLayer(state.tileLayer);
    state.tileLayer = null;
    document.body.classList.remove("with-tiles");
    $("tiles").value = "";
    if (!url) return;
    if (!state.tiles.includes(url) || !safeUrl(url.replaceAll("{", "%7B").replaceAll("}", "%7D"))) {
      $("tiles-hint").textContent = `This server does not allow the tile server ${url}: the map shows country outlines.`;
      document.querySelector(".settings").open = true;
      return;
    }
    state.tileLayer = L.tileLayer(url, { maxZoom: 18, attribution: "map tiles: your tile server" }).addTo(state.map);
    $("tiles").value = url;
    document.body.classList.add("with-tiles");
  }

  async function loadTileServers() {
    try {
      state.tiles = (await api("/api/health")).tiles || [];
    } catch (err) {
      state.tiles = [];
    }
    for (const url of state.tiles) ensureOption($("tiles"), url, url);
    $("tiles").disabled = state.tiles.length === 0;
  }

  // ------------------------------------------------------------ event markers

  function clusterIcon(cluster) {
    const counts = new Map();
    for (const marker of cluster.getAllChildMarkers()) counts.set(marker.options.evType, (counts.get(marker.options.evType) || 0) + 1);
    const total = cluster.getChildCount();
    let angle = 0;
    const stops = [];
    for (const [type, n] of [...counts.entries()].sort((a, b) => b[1] - a[1])) {
      const next = angle + (n / total) * 360;
      stops.push(`${typeColour(type)} ${angle}deg ${next}deg`);
      angle = next;
    }
    const ring = el("div", { class: "cluster-ring" }, el("span", { text: total }));
    ring.style.background = `conic-gradient(${stops.join(", ")})`;
    const size = total < 10 ? 34 : total < 100 ? 40 : 48;
    return L.divIcon({ html: ring, className: "cluster-icon", iconSize: [size, size] });
  }

  function markerFor(ev, latlon) {
    const dot = el("div", { class: "dot" });
    dot.style.background = typeColour(ev.type);
    const icon = L.divIcon({ html: dot, className: "event-marker", iconSize: [14, 14] });
    const marker = L.marker(latlon, { icon, evType: ev.type, title: `${ev.type} — ${placeText(ev)}` });
    const tip = el("div", {}, el("strong", { text: ev.type }), " ", dateText(ev), el("br"), placeText(ev));
    marker.bindTooltip(tip, { direction: "top", offset: [0, -6] });
    marker.on("click", () => openEvent(ev.id));
    return marker;
  }

  /* Events placed only at a country or region share one hollow ring per place and precision: a ring is an area,
   * not a spot, and never clusters with the town dots. Its number counts the events; a click lists them. */
  function areaMarker(evs, latlon) {
    const precision = evPrecision(evs[0]);
    const types = [...new Set(evs.map((e) => e.type))];
    const ring = el("div", { class: "ring" }, evs.length > 1 ? el("span", { text: evs.length }) : null);
    ring.style.borderColor = types.length === 1 ? typeColour(types[0]) : "#5d6b7a";
    const size = precision === "admin1" ? 30 : 44;
    const icon = L.divIcon({ html: ring, className: `area-marker area-${precision === "admin1" ? "admin1" : "country"}`, iconSize: [size, size] });
    const marker = L.marker(latlon, { icon, evType: types[0], title: `${evs.length} events placed only at ${placeText(evs[0])}` });
    const what = precision === "admin1" ? "region" : "country";
    const tip = el("div", {}, el("strong", { text: `${evs.length} event${evs.length === 1 ? "" : "s"}` }), ` placed only at ${what} level`, el("br"), placeText(evs[0]));
    marker.bindTooltip(tip, { direction: "top", offset: [0, -size / 2] });
    marker.on("click", () => (evs.length === 1 ? openEvent(evs[0].id) : filterToArea(evs[0])));
    return marker;
  }

  function filterToArea(ev) {
    const loc = evLoc(ev);
    const changes = evPrecision(ev) === "admin1" ? { country: loc.country, admin1: loc.admin1 || loc.name } : { country: loc.country };
    applyForm(changes);
  }

  function renderMap(events) {
    state.cluster.clearLayers();
    state.areas.clearLayers();
    state.markers.clear();
    const markers = [];
    const areas = new Map();
    for (const ev of events) {
      const latlon = evLatLon(ev);
      if (!latlon) continue;
      if (isArea(ev)) {
        const key = `${latlon.join(",")}|${evPrecision(ev) === "admin1" ? "admin1" : "country"}`;
        if (!areas.has(key)) areas.set(key, []);
        areas.get(key).push(ev);
        continue;
      }
      const marker = markerFor(ev, latlon);
      state.markers.set(ev.id, marker);
      markers.push(marker);
    }
    state.cluster.addLayers(markers);
    for (const evs of areas.values()) {
      const marker = areaMarker(evs, evLatLon(evs[0]));
      for (const ev of evs) state.markers.set(ev.id, marker);
      state.areas.addLayer(marker);
    }
    const all = L.featureGroup([...markers, ...state.areas.getLayers()]);
    if (all.getLayers().length) state.map.fitBounds(all.getBounds().pad(0.3), { maxZoom: 6, animate: false });
  }

  function renderLegend(events) {
    const types = [...new Set(events.map((ev) => ev.type))].sort();
    const legend = $("legend");
    const items = types.map((type) => {
      const swatch = el("span", { class: "swatch" });
      swatch.style.background = typeColour(type);
      return el("span", { class: "legend-item" }, swatch, type);
    });
    const precision = el("span", { class: "legend-precision" },
      el("span", { class: "legend-item" }, el("span", { class: "swatch" }), "town or street"),
      el("span", { class: "legend-item" }, el("span", { class: "swatch ring-swatch small" }), "region only"),
      el("span", { class: "legend-item" }, el("span", { class: "swatch ring-swatch" }), "country only: a ring marks an area, not a spot"));
    legend.replaceChildren(...items, events.length ? precision : "");
  }

  /* The event's place at the zoom its precision allows: a town close up, a province or country from further out. */
  function showOnMap(ev, id) {
    const latlon = evLatLon(ev);
    if (!latlon) return;
    const zoom = PRECISION_ZOOM[evPrecision(ev)] ?? 8;
    // Leaflet drops a setView asked for while a zoom animation runs: wait for it to end.
    if (state.map._animatingZoom) state.map.once("zoomend", () => state.map.setView(latlon, zoom));
    else state.map.setView(latlon, zoom);
    const marker = state.markers.get(id);
    if (!marker) return;
    state.map.once("moveend", () => {
      const shown = state.cluster.hasLayer(marker) ? state.cluster.getVisibleParent(marker) : marker;
      if (shown === marker) marker.openTooltip();
    });
  }
  // ------------------------------------------------------------ periods (shared by the timeline and the summary)

  const DAY = 86400000;
  const isDay = (d) => /^\d{4}-\d{2}-\d{2}$/.test(d || "");
  const iso = (d) => d.toISOString().slice(0, 10);

  function periodStart(day, unit) {
    const d = new Date(`${day}T00:00:00Z`);
    if (unit === "week") d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7)); // Monday-based weeks
    if (unit === "month") d.setUTCDate(1);
    if (unit === "year") d.setUTCMonth(0, 1);
    return iso(d);
  }

  function periodAfter(key, unit) {
    const d = new Date(`${key}T00:00:00Z`);
    if (unit === "day") d.setUTCDate(d.getUTCDate() + 1);
    if (unit === "week") d.setUTCDate(d.getUTCDate() + 7);
    if (unit === "month") d.setUTCMonth(d.getUTCMonth() + 1);
    if (unit === "year") d.setUTCFullYear(d.getUTCFullYear() + 1);
    return iso(d);
  }

  const periodEnd = (key, unit) => iso(new Date(Date.parse(periodAfter(key, unit)) - DAY));

  /* Bins that a person can read: days up to two months, weeks up to two years, months up to 15 years, then years. */
  function unitFor(spanDays) {
    if (spanDays <= 62) return "day";
    if (spanDays <= 731) return "week";
    return spanDays <= 5500 ? "month" : "year";
  }

  function binEvents(events, value) {
    const days = events.map(evDate).filter(isDay).sort();
    if (!days.length) return { unit: "day", bins: [] };
    const unit = unitFor((Date.parse(days[days.length - 1]) - Date.parse(days[0])) / DAY);
    const bins = new Map();
    const last = periodStart(days[days.length - 1], unit);
    for (let key = periodStart(days[0], unit); key <= last && bins.size < 1000; key = periodAfter(key, unit)) bins.set(key, new Map());
    for (const ev of events) {
      if (!isDay(evDate(ev))) continue;
      const bin = bins.get(periodStart(evDate(ev), unit));
      if (bin) bin.set(ev.type, (bin.get(ev.type) || 0) + value(ev));
    }
    return { unit, bins: [...bins.entries()] };
  }

  const binTotal = (types) => [...types.values()].reduce((a, b) => a + b, 0);

  /* Stacked bars, one per period and one colour per type, into `chart`; returns the x of each bar. */
  function drawStacked(chart, binned, { height, label }) {
    const width = chart.clientWidth || 600, pad = { left: 30, bottom: 20, top: 6 };
    chart.setAttribute("viewBox", `0 0 ${width} ${height}`);
    chart.replaceChildren();
    const { unit, bins } = binned;
    if (!bins.length) return null;
    const max = Math.max(1, ...bins.map(([, types]) => binTotal(types)));
    const barW = (width - pad.left) / bins.length;
    const plotH = height - pad.bottom - pad.top;
    chart.append(axisLabel(pad.left - 4, pad.top + 8, String(max), "end"), axisLabel(pad.left - 4, height - pad.bottom, "0", "end"));
    bins.forEach(([key, types], i) => {
      const x = pad.left + i * barW;
      let y = height - pad.bottom;
      const group = svg("g", { class: "bar", "data-start": key, "data-end": periodEnd(key, unit) });
      const title = svg("title");
      title.textContent = `${unit} of ${key}: ${binTotal(types)} ${label}` + [...types].map(([t, n]) => `\n${t}: ${n}`).join("");
      group.append(title);
      for (const [type, n] of [...types.entries()].sort()) {
        if (!n) continue;
        const h = (n / max) * plotH;
        y -= h;
        group.append(svg("rect", { x: x + 0.5, y, width: Math.max(1, barW - 1), height: h, fill: typeColour(type) }));
      }
      group.append(svg("rect", { x, y: pad.top, width: barW, height: plotH, fill: "transparent", class: "hit" }));
      chart.append(group);
    });
    drawTicks(chart, bins, { width, height, pad, barW });
    return { pad, barW, bins, unit, plotH };
  }

  function drawTicks(chart, bins, { width, height, pad, barW }) {
    const ticks = Math.min(bins.length, Math.max(2, Math.floor(width / 110)));
    for (let t = 0; t < ticks; t++) {
      const i = Math.round((t * (bins.length - 1)) / Math.max(1, ticks - 1));
      const anchor = ticks > 1 && t === ticks - 1 ? "end" : t === 0 && ticks > 1 ? "start" : "middle";
      const x = anchor === "end" ? pad.left + (i + 1) * barW : anchor === "start" ? pad.left + i * barW : pad.left + i * barW + barW / 2;
      chart.append(axisLabel(x, height - 5, bins[i][0], anchor));
    }
  }

  function axisLabel(x, y, text, anchor) {
    const label = svg("text", { x, y, "text-anchor": anchor, class: "axis" });
    label.textContent = text;
    return label;
  }

  // ------------------------------------------------------------ timeline: click a bar or drag across bars to filter dates

  function renderTimeline(events) {
    const binned = binEvents(events, () => 1);
    state.bins = drawStacked($("timeline"), binned, { height: 120, label: "events" });
    const names = { day: "day", week: "week", month: "month", year: "year" };
    $("timeline-unit").textContent = binned.bins.length
      ? `events per ${names[binned.unit]}, stacked by type; click a bar or drag across bars to filter dates`
      : "no dated events";
  }

  function binAt(clientX) {
    const chart = $("timeline");
    const box = chart.getBoundingClientRect();
    const scale = (chart.viewBox.baseVal && chart.viewBox.baseVal.width) / box.width || 1;
    const { pad, barW, bins } = state.bins;
    const i = Math.floor(((clientX - box.left) * scale - pad.left) / barW);
    return Math.max(0, Math.min(bins.length - 1, i));
  }

  function initBrush() {
    const chart = $("timeline");
    let from = null;
    chart.addEventListener("pointerdown", (e) => {
      if (!state.bins) return;
      from = binAt(e.clientX);
      chart.setPointerCapture(e.pointerId);
      drawBrush(from, from);
    });
    chart.addEventListener("pointermove", (e) => from !== null && drawBrush(from, binAt(e.clientX)));
    chart.addEventListener("pointerup", (e) => {
      if (from === null) return;
      const to = binAt(e.clientX);
      const [a, b] = [Math.min(from, to), Math.max(from, to)];
      from = null;
      const { bins, unit } = state.bins;
      applyForm({ since: bins[a][0], until: periodEnd(bins[b][0], unit) });
    });
  }

  function drawBrush(a, b) {
    const chart = $("timeline");
    chart.querySelector(".brush")?.remove();
    const { pad, barW, plotH } = state.bins;
    const [lo, hi] = [Math.min(a, b), Math.max(a, b)];
    chart.append(svg("rect", { class: "brush", x: pad.left + lo * barW, y: pad.top, width: (hi - lo + 1) * barW, height: plotH }));
  }

  // ------------------------------------------------------------ summary panel: computed from the events loaded

  function renderSummary(events) {
    const byEvents = binEvents(events, () => 1);
    drawStacked($("sum-events"), byEvents, { height: 110, label: "events" });
    drawStacked($("sum-fatalities"), binEvents(events, evKilled), { height: 110, label: "killed" });
    for (const node of document.querySelectorAll(".period-unit")) node.textContent = byEvents.unit;
    renderTypeTable(events);
    renderTop($("sum-actors"), countBy(events, (ev) => [...new Set((ev.actors || []).map((a) => a.name).filter(Boolean))]),
      (name) => applyForm({ actor: name }));
    renderTop($("sum-places"), countBy(events, (ev) => [placeText(ev)]), (place) => {
      const ev = events.find((e) => placeText(e) === place);
      const loc = evLoc(ev);
      applyForm(loc.admin1 ? { country: loc.country, admin1: loc.admin1 } : { country: loc.country });
    });
  }

  function countBy(events, keys) {
    const counts = new Map();
    for (const ev of events) for (const key of keys(ev)) counts.set(key, (counts.get(key) || 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0]))).slice(0, 10);
  }

  function renderTypeTable(events) {
    const rows = new Map();
    for (const ev of events) {
      const row = rows.get(ev.type) || { events: 0, killed: 0 };
      row.events += 1;
      row.killed += evKilled(ev);
      rows.set(ev.type, row);
    }
    const head = el("tr", {}, el("th", { text: "Type" }), el("th", { text: "Events" }), el("th", { text: "Killed (best)" }));
    const body = [...rows.entries()].sort((a, b) => b[1].events - a[1].events).map(([type, row]) => {
      const swatch = el("span", { class: "swatch" });
      swatch.style.background = typeColour(type);
      return el("tr", {}, el("td", {}, swatch, type), el("td", { text: row.events }), el("td", { text: row.killed }));
    });
    $("sum-types").replaceChildren(el("thead", {}, head), el("tbody", {}, ...body));
  }

  function renderTop(list, rows, onPick) {
    list.replaceChildren(...rows.map(([name, n]) => el("li", {},
      el("button", { type: "button", class: "link-button", onclick: () => onPick(name), text: name }), el("span", { class: "count", text: ` ${n}` }))));
    if (!rows.length) list.append(el("li", { class: "hint", text: "none" }));
  }

  function showTab(which) {
    $("summary-view").hidden = which !== "summary";
    $("list-view").hidden = which !== "list";
    $("detail-view").hidden = true;
    $("tab-list").setAttribute("aria-selected", String(which === "list"));
    $("tab-summary").setAttribute("aria-selected", String(which === "summary"));
    if (which === "summary") renderSummary(state.events); // its charts need their width, known once shown
  }
  // ------------------------------------------------------------ list

  function listItem(ev) {
    const badge = el("span", { class: "badge", text: ev.type });
    badge.style.background = typeColour(ev.type);
    const killed = countText(ev.fatalities);
    const meta = [dateText(ev), placeText(ev), `${evSources(ev)} source${evSources(ev) === 1 ? "" : "s"}`];
    if (killed) meta.push(`${killed} killed`);
    const button = el("button", { type: "button", class: "event-item", "data-id": ev.id, onclick: () => openEvent(ev.id) },
      badge, el("span", { class: "meta", text: meta.join(" · ") }),
      el("span", { class: "summary-line", text: ev.summary || (ev.trigger && ev.trigger.text) || "" }));
    return el("li", {}, button);
  }

  function renderList(reset) {
    const list = $("event-list");
    if (reset) {
      list.replaceChildren();
      state.listShown = 0;
    }
    const next = state.events.slice(state.listShown, state.listShown + LIST_PAGE);
    list.append(...next.map(listItem));
    state.listShown += next.length;
    $("more").hidden = state.listShown >= state.events.length;
  }

  function showList() {
    showTab("list");
  }

  // ------------------------------------------------------------ event detail

  async function openEvent(id) {
    $("list-view").hidden = true;
    $("summary-view").hidden = true;
    $("detail-view").hidden = false;
    const detail = $("detail");
    detail.replaceChildren(el("p", { class: "status", text: "loading event…" }));
    setUrl(readFilters(), `#event=${encodeURIComponent(id)}`);
    try {
      const ev = await api(`/api/events/${encodeURIComponent(id)}`);
      const outlets = new Map((ev.sources || []).map((s) => [sourceId(s), s.outlet]));
      detail.replaceChildren(...eventHeader(ev), ...(await sourceSections(ev)), quoteSection(ev, outlets));
      showOnMap(ev, id);
      for (const box of detail.querySelectorAll(".report-text")) {
        const first = box.querySelector("mark.evidence"); // scroll each report box, not the page
        if (first) box.scrollTop = Math.max(0, first.offsetTop - 24);
      }
      document.querySelector(".side").scrollTop = 0;
    } catch (err) {
      detail.replaceChildren(el("p", { class: "error", text: `Could not load event ${id}: ${err.message}` }));
    }
  }

  function eventHeader(ev) {
    const badge = el("span", { class: "badge", text: ev.type });
    badge.style.background = typeColour(ev.type);
    const rows = [
      ["When", dateText(ev)],
      ["Where", placeText(ev)],
      ["Mode", ev.mode],
      ["Actors", (ev.actors || []).map((a) => (a.role ? `${a.name} (${a.role})` : a.name)).join("; ")],
      ["Fatalities (merged)", countText(ev.fatalities)],
      ["Injuries (merged)", countText(ev.injuries)],
      ["Certainty", ev.certainty],
      ["Sources", String(evSources(ev))],
    ].filter(([, value]) => value);
    const facts = el("dl", { class: "facts" });
    for (const [key, value] of rows) facts.append(el("dt", { text: key }), el("dd", { text: value }));
    return [el("h2", {}, badge, " ", ev.summary || ev.type), el("p", { class: "hint", text: `event ${ev.id}` }), facts];
  }

  async function sourceSections(ev) {
    const sources = Array.isArray(ev.sources) ? ev.sources : [];
    if (!sources.length) return [el("p", { class: "hint", text: "No source reports stored for this event." })];
    const sections = [el("h3", { text: `Sources (${sources.length})` }), fatalityTable(sources)];
    const reports = await Promise.all(sources.map((s) => api(`/api/reports/${encodeURIComponent(sourceId(s))}`).catch(() => null)));
    sources.forEach((source, i) => sections.push(sourceSection(source, reports[i])));
    return sections;
  }

  const sourceId = (s) => s.report_id || s.report || s.article_id || s.id;

  function fatalityTable(sources) {
    const table = el("table", { class: "fatalities" },
      el("thead", {}, el("tr", {}, el("th", { text: "Outlet" }), el("th", { text: "Published" }), el("th", { text: "Fatalities" }))));
    const body = el("tbody");
    for (const s of sources) {
      body.append(el("tr", {}, el("td", { text: s.outlet || sourceId(s) }), el("td", { text: s.published || "—" }),
        el("td", { text: countText(s.fatalities) || "—" })));
    }
    table.append(body);
    return table;
  }

  function sourceSection(source, report) {
    const title = (report && report.title) || source.title || source.outlet || sourceId(source);
    const url = safeUrl(source.url || (report && report.url) || "");
    const heading = el("h4", {}, url ? el("a", { href: url, rel: "noopener noreferrer", target: "_blank", text: title }) : title);
    const meta = [source.outlet || (report && report.outlet), source.published || (report && report.published)]
      .filter(Boolean).join(" · ");
    const evidence = Array.isArray(source.evidence) ? source.evidence : [];
    const body = report && typeof report.text === "string"
      ? highlightedText(report.text, evidence)
      : el("div", { class: "report-text" }, ...evidence.map((e) => el("mark", { class: "evidence", text: e.sentence })));
    return el("section", { class: "source", "data-report": sourceId(source) }, heading, el("p", { class: "hint", text: meta }), body);
  }

  /* Python offsets count code points; JS strings count UTF-16 units. Map one to the other. */
  function codePointIndex(text) {
    if (!/[\uD800-\uDFFF]/.test(text)) return (i) => i;
    const units = [0];
    let pos = 0;
    for (const ch of text) {
      pos += ch.length;
      units.push(pos);
    }
    return (i) => units[Math.min(i, units.length - 1)];
  }

  function evidenceRanges(text, evidence) {
    const unit = codePointIndex(text);
    const ranges = [];
    for (const e of evidence) {
      let start = unit(num(e.start) ?? -1), end = unit(num(e.end) ?? -1);
      if (!(start >= 0 && end > start && text.slice(start, end) === e.sentence) && e.sentence) {
        start = text.indexOf(e.sentence); // offsets disagree with the text: fall back to the sentence itself
        end = start + e.sentence.length;
      }
      if (start >= 0 && end > start) ranges.push([start, end]);
    }
    ranges.sort((a, b) => a[0] - b[0]);
    const merged = [];
    for (const r of ranges) {
      if (merged.length && r[0] <= merged[merged.length - 1][1]) merged[merged.length - 1][1] = Math.max(merged[merged.length - 1][1], r[1]);
      else merged.push(r);
    }
    return merged;
  }

  function highlightedText(text, evidence) {
    const box = el("div", { class: "report-text" });
    let pos = 0;
    for (const [start, end] of evidenceRanges(text, evidence)) {
      if (start > pos) box.append(document.createTextNode(text.slice(pos, start)));
      box.append(el("mark", { class: "evidence", text: text.slice(start, end) }));
      pos = end;
    }
    if (pos < text.length) box.append(document.createTextNode(text.slice(pos)));
    return box;
  }

  function quoteSection(ev, outlets) {
    const quotes = Array.isArray(ev.quotes) ? ev.quotes : [];
    if (!quotes.length) return el("p", { class: "hint", text: "No quotes attached to this event." });
    const list = el("ul", { class: "quotes" });
    for (const q of quotes) {
      const who = [q.speaker, q.speaker_title, q.speaker_affiliation].filter(Boolean).join(", ") || "unattributed";
      const said = q.direct === false ? q.text : `“${q.text}”`;
      const where = outlets.get(q.report_id) || q.report_id;
      const cite = `— ${who}${q.cue ? ` (${q.cue})` : ""}${where ? `, in ${where}` : ""}`;
      list.append(el("li", {}, el("blockquote", { text: said }), el("cite", { text: cite })));
    }
    return el("section", { class: "quote-section" }, el("h3", { text: `Quotes (${quotes.length})` }), list);
  }


  // ------------------------------------------------------------ start

  async function start() {
    await loadTileServers();
    initMap();
    initBrush();
    $("filters").addEventListener("submit", (e) => {
      e.preventDefault();
      applyFilters(filtersFromForm());
    });
    $("f-reset").addEventListener("click", () => {
      writeFormFromFilters({});
      applyFilters({});
    });
    $("f-sort").addEventListener("change", () => applyFilters(filtersFromForm()));
    $("timeline-clear").addEventListener("click", () => applyForm({ since: "", until: "" }));
    $("tab-list").addEventListener("click", () => showTab("list"));
    $("tab-summary").addEventListener("click", () => showTab("summary"));
    $("more").addEventListener("click", () => renderList(false));
    $("back").addEventListener("click", () => {
      showList();
      setUrl(readFilters(), "");
    });
    $("tiles-form").addEventListener("submit", (e) => {
      e.preventDefault();
      const url = $("tiles").value;
      if (url) localStorage.setItem("dateline.tiles", url);
      else localStorage.removeItem("dateline.tiles");
      useTiles(url);
    });
    const filters = readFilters();
    const initialHash = window.location.hash;
    try {
      await loadStats();
    } catch (err) {
      $("summary").textContent = `Could not load statistics: ${err.message}`;
    }
    writeFormFromFilters(filters);
    await applyFilters(filters);
    const match = /^#event=(.+)$/.exec(initialHash);
    if (match) openEvent(decodeURIComponent(match[1]));
    document.body.dataset.ready = "true";
  }

  window.addEventListener("resize", () => renderTimeline(state.events));
  start();
})();
