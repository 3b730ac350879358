// EntryWatch worker page: polls /api/summary and /api/queue and renders them; records dispositions. Every value is untrusted text: the DOM is
// built with createElement/textContent only (never innerHTML), and the page's CSP forbids inline script.
"use strict";

const POLL_MS = 1000;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

function setText(id, value) {
  const node = document.getElementById(id);
  if (node) node.textContent = value;
}

function fmtInt(n) { return n === null || n === undefined ? "–" : Number(n).toLocaleString("en-US"); }

function fmtAge(s) {
  if (s === null || s === undefined) return "–";
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  if (s < 172800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} d`;
}

// Runs of [text, matched]: matched words go in <mark>, the rest as plain text.
function highlighted(segments, fallback) {
  const span = el("span", { class: "hl" });
  if (!Array.isArray(segments)) { span.textContent = fallback || ""; return span; }
  for (const [text, matched] of segments) span.append(matched ? el("mark", {}, text) : document.createTextNode(text));
  return span;
}

// "2026-12-04 15:36:57 UTC": the day as well as the time, in UTC like every time EntryWatch writes
function fmtWhen(iso) {
  if (!iso) return "–";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toISOString().replace("T", " ").slice(0, 19) + " UTC";
}

function token() { return new URLSearchParams(window.location.search).get("token"); }

function withToken(url) {
  const t = token();
  if (!t) return url;
  return url + (url.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(t);
}

const OUTCOMES = [
  ["false_positive", "false positive (not the listed party)"],
  ["confirmed", "confirmed (the listed party)"],
  ["released", "released"],
  ["excluded", "excluded"],
  ["exported", "exported"],
  ["destroyed", "destroyed (under CBP supervision)"],
  ["seized", "seized"],
  ["escalated", "escalated (stays in the queue)"],
];

function reasonNode(r) {
  const list = r.list ? el("span", { class: "list-name", title: r.source || "" }, r.list) : null;
  const head = el("div", {}, el("span", { class: "code" }, r.code || ""), " ",
    r.match_code ? el("span", { class: "muted" }, `(${r.match_code}) `) : null,
    r.party_role ? `${r.party_role} · ` : "", list,
    typeof r.score === "number" ? ` · score ${r.score.toFixed(3)}` : "",
    r.rule_id ? ` · rule ${r.rule_id}${r.rule_version ? " v" + r.rule_version : ""}` : "",
    r.open === false ? el("span", { class: "closed" }, " · disposed of") : null);
  const node = el("div", { class: "reason" }, head);
  if (r.party_name || r.matched_name) {
    const names = el("div", { class: "names" },
      el("span", { class: "k" }, "party"), el("span", { class: "party-name" }, highlighted(r.party_segments, r.party_name)));
    if (r.matched_name) {
      names.append(el("span", { class: "k" }, "listed"),
        el("span", { class: "listed-name" }, highlighted(r.matched_segments, r.matched_name)));
    }
    node.append(names);
  }
  if (r.list_version) {
    const pub = r.list_published ? `published ${r.list_published}` : "publication date unknown";
    node.append(el("div", { class: "version muted" },
      `${r.source_name || r.source || ""} version ${r.list_version} · ${pub}`));
  }
  return node;
}

// --- the review queue -------------------------------------------------------------------------------

const QUEUE_POLL_MS = 5000;
const queueState = { offset: 0, items: [], open: new Set(), timer: null, seq: 0, signature: "" };

function filterParams() {
  const form = document.getElementById("filters");
  const p = new URLSearchParams();
  for (const name of ["decision", "code", "list", "party", "q", "order"]) {
    const v = form.elements[name].value.trim();
    if (v) p.set(name, v);
  }
  const since = form.elements.since.value;
  const until = form.elements.until.value;
  if (since) p.set("since", since + "T00:00:00Z");
  if (until) {  // the "to" day is included: until the next midnight
    const next = new Date(until + "T00:00:00Z");
    next.setUTCDate(next.getUTCDate() + 1);
    p.set("until", next.toISOString());
  }
  return p;
}

function fillSelect(id, counts, names) {
  const select = document.getElementById(id);
  const keep = select.value;
  const first = select.options[0];
  const options = Object.entries(counts || {}).map(([k, n]) =>
    el("option", { value: k }, `${names && names[k] ? names[k] : k} (${n})`));
  if (keep && !(keep in (counts || {}))) options.push(el("option", { value: keep }, keep));
  select.replaceChildren(first, ...options);
  select.value = keep;
}

function dispositionForm(item) {
  const form = el("form", { class: "disposition", "data-alert-id": item.alert_id });
  const outcome = el("select", { name: "outcome", required: "" },
    el("option", { value: "" }, "choose an outcome…"), ...OUTCOMES.map(([v, t]) => el("option", { value: v }, t)));
  const scope = el("select", { name: "scope" }, el("option", { value: "" }, "every reason of this decision"));
  (item.reasons || []).forEach((r, i) => {
    if (r.open && r.entity_id && r.party_name) scope.append(el("option", { value: String(i) }, `only: ${r.party_name} — ${r.matched_name || r.entity_id}`));
  });
  const note = el("textarea", { name: "note", required: "", maxlength: "2000", rows: "2", placeholder: "why (required)" });
  const reviewer = el("input", { name: "reviewer", required: "", maxlength: "256", placeholder: "your name or user id" });
  reviewer.value = window.localStorage.getItem("entrywatch.reviewer") || "";
  const status = el("span", { class: "status", role: "status" });
  form.append(
    el("label", {}, "Outcome ", outcome), el("label", {}, "Applies to ", scope),
    el("label", { class: "wide" }, "Note ", note), el("label", {}, "Reviewer ", reviewer),
    el("button", { type: "submit" }, "Record disposition"), status);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = { alert_id: item.alert_id, entry_number: item.entry_number, outcome: outcome.value,
      note: note.value.trim(), reviewer: reviewer.value.trim(), disposition_id: form.dataset.dispositionId };
    if (!body.outcome || !body.note || !body.reviewer) { status.textContent = "outcome, note and reviewer are required"; return; }
    if (scope.value !== "") {
      const r = item.reasons[Number(scope.value)];
      body.party_name = r.party_name; body.entity_id = r.entity_id;
    }
    window.localStorage.setItem("entrywatch.reviewer", body.reviewer);
    status.textContent = "recording…";
    const headers = { "Content-Type": "application/json", "X-EntryWatch-Request": "desk" };
    if (token()) headers.Authorization = "Bearer " + token();
    try {
      const resp = await fetch("/api/dispositions", { method: "POST", headers, body: JSON.stringify(body), cache: "no-store" });
      const answer = await resp.json();
      if (!resp.ok) { status.textContent = answer.error || `refused (${resp.status})`; return; }
      status.textContent = answer.applied ? `recorded (${answer.disposition_id})` : `sent (${answer.disposition_id}); applying…`;
      form.dataset.done = "1";
      queueState.open.delete(item.alert_id);
      setTimeout(loadQueue, answer.applied ? 300 : 2000);
    } catch (err) {
      status.textContent = "the worker did not answer; try again (the same disposition is not recorded twice)";
    }
  });
  // one id per form: a retried submission is the same disposition on dispositions.v1
  form.dataset.dispositionId = "desk-" + (window.crypto.randomUUID ? window.crypto.randomUUID() : String(Date.now()));
  return form;
}

function queueItem(item) {
  const li = el("li", { class: "item", "data-alert-id": item.alert_id, "data-entry": item.entry_number });
  const toggle = el("button", { type: "button", class: "open-item", "aria-expanded": "false" }, "Review");
  const head = el("div", { class: "item-head" },
    el("span", { class: `decision ${item.decision}` }, item.decision), " ",
    el("a", { href: withToken(item.href), class: "entry-link" }, item.entry_number), " ",
    el("span", { class: "muted when" }, `screened ${fmtWhen(item.screened_at)}`),
    item.entry_revision ? el("span", { class: "muted" }, ` · revision ${item.entry_revision}`) : null,
    item.escalated ? el("span", { class: "badge escalated" }, "escalated") : null,
    " ", toggle);
  const reasons = el("div", { class: "reasons" }, ...(item.reasons || []).map(reasonNode));
  const detail = el("div", { class: "detail", hidden: "" },
    el("div", {}, el("a", { href: withToken(item.href), class: "explain" }, "explanation →"),
      el("span", { class: "muted" }, ` alert ${item.alert_id}`)),
    ...(item.dispositions || []).map((d) => el("div", { class: "muted prior" },
      `${fmtWhen(d.decided_at)} ${d.outcome} by ${d.reviewer}${d.note ? ": " + d.note : ""}`)),
    dispositionForm(item));
  const setOpen = (open) => {
    detail.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    toggle.textContent = open ? "Close" : "Review";
    if (open) queueState.open.add(item.alert_id); else queueState.open.delete(item.alert_id);
  };
  toggle.addEventListener("click", () => setOpen(detail.hidden));
  if (queueState.open.has(item.alert_id)) setOpen(true);
  li.append(head, reasons, detail);
  return li;
}

async function loadQueue(more) {
  clearTimeout(queueState.timer);
  const seq = ++queueState.seq;  // only the latest request's answer is drawn
  const p = filterParams();
  if (more) p.set("offset", String(queueState.offset));
  const errorNode = document.getElementById("queue-error");
  try {
    const resp = await fetch(withToken("/api/queue?" + p.toString()), { cache: "no-store" });
    const q = await resp.json();
    if (seq !== queueState.seq) return;
    if (!resp.ok) { errorNode.textContent = q.error || `error ${resp.status}`; errorNode.hidden = false; return; }
    errorNode.hidden = true;
    queueState.items = more ? queueState.items.concat(q.items) : q.items;
    queueState.offset = q.next_offset || 0;
    fillSelect("f-code", q.facets.code);
    fillSelect("f-list", q.facets.source, queueState.listNames);
    // redraw only when something changed: a redraw under the reviewer's pointer would swallow a click
    const signature = JSON.stringify(queueState.items);
    if (signature !== queueState.signature) {
      queueState.signature = signature;
      document.getElementById("queue").replaceChildren(...queueState.items.map(queueItem));
    }
    document.getElementById("queue-empty").hidden = queueState.items.length > 0;
    document.getElementById("queue-more").hidden = q.next_offset === null;
    setText("queue-count", `${fmtInt(q.total)} shown of ${fmtInt(q.open)} open`);
    for (const fmt of ["csv", "jsonl"]) {
      const period = new URLSearchParams({ format: fmt });
      for (const k of ["since", "until"]) if (p.get(k)) period.set(k, p.get(k));
      document.getElementById(`export-${fmt}`).href = withToken("/api/export?" + period.toString());
    }
  } catch (err) {
    errorNode.textContent = "the queue could not be read";
    errorNode.hidden = false;
  } finally {
    if (seq === queueState.seq) queueState.timer = setTimeout(refreshQueue, QUEUE_POLL_MS);
  }
}

// Re-read the queue unless the reviewer is working on an item (a re-render would lose the form).
function refreshQueue() {
  if (queueState.open.size > 0) { queueState.timer = setTimeout(refreshQueue, QUEUE_POLL_MS); return; }
  loadQueue(false);
}

function startQueue() {
  const form = document.getElementById("filters");
  let typing = null;
  form.addEventListener("change", () => loadQueue(false));
  form.addEventListener("input", (ev) => {
    if (ev.target.tagName !== "INPUT") return;
    clearTimeout(typing);
    typing = setTimeout(() => loadQueue(false), 300);
  });
  form.addEventListener("submit", (ev) => { ev.preventDefault(); loadQueue(false); });
  document.getElementById("queue-more").addEventListener("click", () => loadQueue(true));
  loadQueue(false);
}

function render(s) {
  const state = s.status === "ready" ? (s.health === "degraded" ? "degraded" : "ready") : "not_ready";
  const badge = document.getElementById("status");
  badge.dataset.state = state;
  badge.textContent = state.replace("_", " ");
  const degraded = (s.degraded || []).map((d) =>
    d === "lists_stale" && (s.lists_stale || []).length ? `lists_stale (${s.lists_stale.join(", ")})` : d);
  setText("problems", [...(s.problems || []), ...degraded].join(", "));
  setText("app-id", s.app_id || "");
  for (const k of ["in", "HOLD", "REVIEW", "CLEAR", "DLQ"]) setText(`count-${k}`, fmtInt((s.counts || {})[k]));
  setText("rate", (s.decisions_per_second || 0).toFixed(1));
  setText("lag", fmtInt(s.lag));

  const lists = document.querySelector("#lists tbody");
  lists.replaceChildren(...(s.lists || []).map((l) =>
    el("tr", {}, el("td", { title: l.source }, l.name || l.source), el("td", {}, l.version), el("td", { class: "num" }, fmtInt(l.entities)),
      el("td", { class: "num" }, fmtAge(l.age_s)),
      el("td", { class: l.stale ? "num stale" : "num" },
        l.published ? `${l.published} (${fmtAge(l.published_age_s)} ago)${l.stale ? ", stale" : ""}` : "–"))));

  queueState.listNames = Object.fromEntries((s.lists || []).map((l) => [l.source, l.name || l.source]));
  setText("updated", fmtWhen(new Date().toISOString()));
}

async function poll() {
  try {
    const resp = await fetch(withToken("/api/summary"), { cache: "no-store" });
    render(await resp.json());
  } catch (err) {
    const badge = document.getElementById("status");
    badge.dataset.state = "offline";
    badge.textContent = "worker unreachable";
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

document.addEventListener("DOMContentLoaded", () => { poll(); startQueue(); });
