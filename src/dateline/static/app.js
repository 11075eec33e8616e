/* dateline dashboard: map, timeline and list of stored events, and an evidence view per event.
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
  const FILTER_KEYS = ["type", "country", "since", "until", "text", "min_sources"];
  const TYPE_COLOURS = {
    ASSAULT: "#d7301f", PROTEST: "#3182bd", COERCE: "#8856a7", ACCUSE: "#e6a000", THREATEN: "#f16913",
    MOBILIZE: "#636363", DEMAND: "#31a354", CONSULT: "#17becf", AGREE: "#2ca25f", SUPPORT: "#74c476",
    AID: "#1c9099", SANCTION: "#a63603", REJECT: "#c51b8a", RETREAT: "#969696", CONCEDE: "#9ebcda",
    REQUEST: "#bcbd22", COOPERATE: "#6baed6",
  };

  const ANTARCTICA = "010"; // ISO numeric id; left out: Mercator cannot draw the pole and no events are there
  const state = { events: [], listShown: 0, map: null, cluster: null, markers: new Map(), tileLayer: null, tiles: [] };
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
    if (!response.ok) throw new Error((body && body.error) || `${response.status} ${response.statusText}`);
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

  function writeFormFromFilters(filters) {
    $("f-type").value = filters.type || "";
    $("f-country").value = filters.country || "";
    $("f-since").value = filters.since || "";
    $("f-until").value = filters.until || "";
    $("f-text").value = filters.text || "";
    $("f-min").value = filters.min_sources || "";
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
    for (const key of FILTER_KEYS) if (filters[key]) params.set(key, filters[key]);
    return params;
  }

  function setUrl(filters, hash) {
    const params = filterQuery(filters);
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

  // ------------------------------------------------------------ loading

  async function loadStats() {
    const stats = await api("/api/stats");
    const byType = stats.by_type || {};
    const byCountry = stats.by_country || {};
    for (const type of Object.keys(byType).sort()) ensureOption($("f-type"), type, `${type} (${byType[type]})`);
    for (const code of Object.keys(byCountry).filter((c) => /^[A-Z]{2}$/.test(c)).sort()) ensureOption($("f-country"), code, `${code} (${byCountry[code]})`);
    $("summary").textContent = `${stats.events ?? 0} events from ${stats.reports ?? 0} reports`;
  }

  async function loadEvents(filters) {
    $("status").textContent = "loading events…";
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
    state.events = events;
    const more = cursor ? ` (first ${events.length} shown)` : "";
    $("status").textContent = events.length ? `${events.length} events${more}` : "No events match these filters.";
    $("list-title").textContent = `Events (${events.length}${cursor ? "+" : ""})`;
    renderMap(events);
    renderTimeline(events);
    renderList(true);
    renderLegend(events);
    updateExportLinks(filters);
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
    }
  }

  // ------------------------------------------------------------ map

  function initMap() {
    const map = L.map("map", { worldCopyJump: true, minZoom: 2, maxZoom: 12, zoomControl: true });
    map.setView([20, 15], 2);
    map.attributionControl.setPrefix("Leaflet");
    state.map = map;
    const tiles = new URLSearchParams(window.location.search).get("tiles") || localStorage.getItem("dateline.tiles");
    if (tiles) useTiles(tiles);
    fetch("/static/vendor/world-atlas/countries-110m.json")
      .then((r) => r.json())
      .then((topo) => {
        const countries = topojson.feature(topo, topo.objects.countries);
        countries.features = countries.features.filter((f) => f.id !== ANTARCTICA).map(unwrapFeature);
        L.geoJSON(countries, { interactive: false, style: { color: "#8a9bb0", weight: 0.7, fillColor: "#f4f1ea", fillOpacity: 1 } })
          .addTo(map).bringToBack();
        map.attributionControl.addAttribution("Boundaries: Natural Earth");
      })
      .catch(() => { /* the map still works without outlines */ });
    state.cluster = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40, iconCreateFunction: clusterIcon });
    map.addLayer(state.cluster);
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

  function renderMap(events) {
    state.cluster.clearLayers();
    state.markers.clear();
    const markers = [];
    for (const ev of events) {
      const latlon = evLatLon(ev);
      if (!latlon) continue;
      const marker = markerFor(ev, latlon);
      state.markers.set(ev.id, marker);
      markers.push(marker);
    }
    state.cluster.addLayers(markers);
    if (markers.length) state.map.fitBounds(state.cluster.getBounds().pad(0.3), { maxZoom: 6 });
  }

  function renderLegend(events) {
    const types = [...new Set(events.map((ev) => ev.type))].sort();
    const legend = $("legend");
    legend.replaceChildren(...types.map((type) => {
      const swatch = el("span", { class: "swatch" });
      swatch.style.background = typeColour(type);
      return el("span", { class: "legend-item" }, swatch, type);
    }));
  }

  // ------------------------------------------------------------ timeline

  function weekStart(day) {
    const d = new Date(`${day}T00:00:00Z`);
    const offset = (d.getUTCDay() + 6) % 7; // Monday-based weeks
    d.setUTCDate(d.getUTCDate() - offset);
    return d.toISOString().slice(0, 10);
  }

  function binEvents(events) {
    const days = events.map(evDate).filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d || "")).sort();
    if (!days.length) return { unit: "day", bins: [] };
    const span = (Date.parse(days[days.length - 1]) - Date.parse(days[0])) / 86400000;
    const unit = span > 90 ? "week" : "day";
    const step = unit === "week" ? 7 : 1;
    const keyOf = (day) => (unit === "week" ? weekStart(day) : day);
    const bins = new Map();
    let cursor = new Date(`${keyOf(days[0])}T00:00:00Z`);
    const last = keyOf(days[days.length - 1]);
    while (cursor.toISOString().slice(0, 10) <= last && bins.size < 2000) {
      bins.set(cursor.toISOString().slice(0, 10), new Map());
      cursor.setUTCDate(cursor.getUTCDate() + step);
    }
    for (const ev of events) {
      const day = evDate(ev);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day || "")) continue;
      const bin = bins.get(keyOf(day));
      if (bin) bin.set(ev.type, (bin.get(ev.type) || 0) + 1);
    }
    return { unit, bins: [...bins.entries()] };
  }

  function renderTimeline(events) {
    const chart = $("timeline");
    const width = chart.clientWidth || 900, height = 120, pad = { left: 30, bottom: 20, top: 6 };
    chart.setAttribute("viewBox", `0 0 ${width} ${height}`);
    chart.replaceChildren();
    const { unit, bins } = binEvents(events);
    $("timeline-unit").textContent = bins.length ? `events per ${unit}; click a bar to filter` : "no dated events";
    if (!bins.length) return;
    const max = Math.max(1, ...bins.map(([, types]) => [...types.values()].reduce((a, b) => a + b, 0)));
    const barW = (width - pad.left) / bins.length;
    const plotH = height - pad.bottom - pad.top;
    chart.append(axisLabel(pad.left - 4, pad.top + 8, String(max), "end"), axisLabel(pad.left - 4, height - pad.bottom, "0", "end"));
    bins.forEach(([key, types], i) => {
      const x = pad.left + i * barW;
      let y = height - pad.bottom;
      const group = svg("g", { class: "bar" });
      const total = [...types.values()].reduce((a, b) => a + b, 0);
      const title = svg("title");
      title.textContent = `${unit} of ${key}: ${total} events` + [...types].map(([t, n]) => `\n${t}: ${n}`).join("");
      group.append(title);
      for (const [type, n] of [...types.entries()].sort()) {
        const h = (n / max) * plotH;
        y -= h;
        group.append(svg("rect", { x: x + 0.5, y, width: Math.max(1, barW - 1), height: h, fill: typeColour(type) }));
      }
      group.append(svg("rect", { x, y: pad.top, width: barW, height: plotH, fill: "transparent", class: "hit" }));
      group.addEventListener("click", () => filterToBin(key, unit));
      chart.append(group);
    });
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

  function filterToBin(key, unit) {
    const filters = filtersFromForm();
    filters.since = key;
    const end = new Date(`${key}T00:00:00Z`);
    end.setUTCDate(end.getUTCDate() + (unit === "week" ? 6 : 0));
    filters.until = end.toISOString().slice(0, 10);
    writeFormFromFilters(filters);
    applyFilters(filters);
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
    $("detail-view").hidden = true;
    $("list-view").hidden = false;
  }

  // ------------------------------------------------------------ event detail

  async function openEvent(id) {
    $("list-view").hidden = true;
    $("detail-view").hidden = false;
    const detail = $("detail");
    detail.replaceChildren(el("p", { class: "status", text: "loading event…" }));
    setUrl(readFilters(), `#event=${encodeURIComponent(id)}`);
    try {
      const ev = await api(`/api/events/${encodeURIComponent(id)}`);
      const outlets = new Map((ev.sources || []).map((s) => [sourceId(s), s.outlet]));
      detail.replaceChildren(...eventHeader(ev), ...(await sourceSections(ev)), quoteSection(ev, outlets));
      const marker = state.markers.get(id);
      if (marker) state.cluster.zoomToShowLayer(marker, () => marker.openTooltip());
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
    $("filters").addEventListener("submit", (e) => {
      e.preventDefault();
      applyFilters(filtersFromForm());
    });
    $("f-reset").addEventListener("click", () => {
      writeFormFromFilters({});
      applyFilters({});
    });
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
    for (const key of ["type", "country"]) ensureOption($(`f-${key}`), filters[key]);
    writeFormFromFilters(filters);
    await applyFilters(filters);
    const match = /^#event=(.+)$/.exec(initialHash);
    if (match) openEvent(decodeURIComponent(match[1]));
    document.body.dataset.ready = "true";
  }

  window.addEventListener("resize", () => renderTimeline(state.events));
  start();
})();
