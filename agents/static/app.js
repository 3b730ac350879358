// EntryWatch worker page: polls /api/summary and renders it. Every value is untrusted text: the DOM is
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

function reasonNode(r) {
  const head = el("div", {}, el("span", { class: "code" }, r.code || ""), " ",
    r.party_role ? `${r.party_role} · ` : "", r.list || "",
    typeof r.score === "number" ? ` · score ${r.score.toFixed(3)}` : "");
  const node = el("div", { class: "reason" }, head);
  if (r.party_name || r.matched_name) {
    node.append(el("div", { class: "names" },
      el("span", { class: "k" }, "party"), el("span", { class: "party-name" }, highlighted(r.party_segments, r.party_name)),
      el("span", { class: "k" }, "listed"), el("span", { class: "listed-name" }, highlighted(r.matched_segments, r.matched_name))));
  }
  return node;
}

function holdRow(h) {
  const when = h.screened_at ? new Date(h.screened_at).toLocaleTimeString("en-GB") : "";
  const link = el("a", { href: h.href, class: "explain" }, "explanation →");
  return el("tr", { "data-alert-id": h.alert_id || "", "data-entry": h.entry_number || "" },
    el("td", { class: "num" }, when),
    el("td", {}, el("a", { href: h.href, class: "entry-link" }, h.entry_number || "")),
    el("td", {}, el("span", { class: `decision ${h.decision}` }, h.decision || "")),
    el("td", {}, ...(h.reasons || []).map(reasonNode)),
    el("td", {}, link));
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
    el("tr", {}, el("td", {}, l.source), el("td", {}, l.version), el("td", { class: "num" }, fmtInt(l.entities)),
      el("td", { class: "num" }, fmtAge(l.age_s)),
      el("td", { class: l.stale ? "num stale" : "num" },
        l.published ? `${l.published} (${fmtAge(l.published_age_s)} ago)${l.stale ? ", stale" : ""}` : "–"))));

  const holds = document.querySelector("#holds tbody");
  holds.replaceChildren(...(s.holds || []).map(holdRow));
  document.getElementById("no-holds").hidden = (s.holds || []).length > 0;
  setText("updated", new Date().toLocaleTimeString("en-GB"));
}

async function poll() {
  try {
    const token = new URLSearchParams(window.location.search).get("token");
    const resp = await fetch("/api/summary" + (token ? "?token=" + encodeURIComponent(token) : ""), { cache: "no-store" });
    render(await resp.json());
  } catch (err) {
    const badge = document.getElementById("status");
    badge.dataset.state = "offline";
    badge.textContent = "worker unreachable";
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

document.addEventListener("DOMContentLoaded", poll);
