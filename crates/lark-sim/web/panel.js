// The right panel: what the bot made (documents from their blocks, sheets as grids, bitables as
// tables with field types, each with its permission members and comment threads; the wiki's
// trees, calendar events with attendees, tasks) and the inspector (the gateway's scheduled jobs,
// event deliveries with their attempts and ACKs, the bot's API calls), newest first.
"use strict";

const Panel = (() => {
  const esc = Render.esc;
  const FIELD_TYPES = {
    1: "Text", 2: "Number", 3: "Single select", 4: "Multi select", 5: "Date", 7: "Checkbox",
    11: "Person", 13: "Phone", 15: "Link", 17: "Attachment", 18: "Relation", 20: "Formula",
    21: "Two-way relation", 22: "Location", 23: "Group", 1001: "Created", 1002: "Modified",
    1003: "Created by", 1004: "Modified by", 1005: "Auto number",
  };
  const get = async (path) => {
    const r = await fetch(path);
    if (!r.ok) throw new Error(`${r.status} ${path}`);
    return r.json();
  };
  const base = () => `/_sim/apps/${encodeURIComponent(Panel.app)}`;
  const page = () => `/_sim/page/apps/${encodeURIComponent(Panel.app)}`;

  // A docx text body's elements as HTML.
  function runs(body) {
    return (body?.elements || []).map((e) => {
      if (e.text_run) {
        const s = e.text_run.text_element_style || {};
        let t = esc(e.text_run.content);
        if (s.bold) t = `<b>${t}</b>`;
        if (s.italic) t = `<i>${t}</i>`;
        if (s.strikethrough) t = `<s>${t}</s>`;
        if (s.inline_code) t = `<code>${t}</code>`;
        if (s.link?.url) t = `<a href="${esc(decodeURIComponent(s.link.url))}" target="_blank" rel="noopener">${t}</a>`;
        return t;
      }
      if (e.mention_user) return `<span class="at">@${esc(e.mention_user.user_id)}</span>`;
      if (e.equation) return `<code>${esc(e.equation.content)}</code>`;
      return "";
    }).join("");
  }

  // One block of a document and its children.
  function block(b) {
    const body = b.body || {};
    const kids = () => (b.children || []).map(block).join("");
    const t = b.block_type;
    if (t === 2) return `<p>${runs(body)}</p>${kids()}`;
    if (t >= 3 && t <= 11) { const h = Math.min(t - 1, 6); return `<h${h}>${runs(body)}</h${h}>`; }
    if (t === 12) return `<ul><li>${runs(body)}${kids()}</li></ul>`;
    if (t === 13) return `<ol><li>${runs(body)}${kids()}</li></ol>`;
    if (t === 14) return `<pre><code>${runs(body)}</code></pre>`;
    if (t === 15) return `<div class="quote">${runs(body)}</div>`;
    if (t === 17) return `<p>${body.style?.done ? "☑" : "☐"} ${runs(body)}</p>`;
    if (t === 22) return "<hr>";
    if (t === 27) return body.token ? `<img class="thumb" alt="image" src="${page()}/medias/${encodeURIComponent(body.token)}">` : "<p class='muted'>[image]</p>";
    if (t === 31) {
      const cols = body.property?.column_size || 1;
      const cells = b.children || [];
      const rows = [];
      for (let i = 0; i < cells.length; i += cols) {
        rows.push(`<tr>${cells.slice(i, i + cols).map((c) => `<td>${(c.children || []).map(block).join("")}</td>`).join("")}</tr>`);
      }
      return `<table class="grid doc-table"><tbody>${rows.join("")}</tbody></table>`;
    }
    if (body.elements) return `<p>${runs(body)}</p>${kids()}`;
    return kids();
  }

  function cell(v) {
    if (v === null || v === undefined) return "";
    if (Array.isArray(v)) return v.map(cell).join(", ");
    if (typeof v === "object") return esc(v.text ?? v.name ?? v.link ?? JSON.stringify(v));
    return esc(v);
  }

  const sheet = (s) => s.sheets.map((tab) => {
    const width = Math.max(0, ...tab.values.map((r) => r.length));
    const letters = Array.from({ length: width }, (_, i) => String.fromCharCode(65 + (i % 26)));
    return `<h3>${esc(tab.title)}</h3><table class="grid"><thead><tr><th></th>${letters.map((l) => `<th>${l}</th>`).join("")}</tr></thead>
      <tbody>${tab.values.map((r, i) => `<tr><th>${i + 1}</th>${letters.map((_, j) => `<td>${cell(r[j])}</td>`).join("")}</tr>`).join("")}</tbody></table>`;
  }).join("");

  const bitable = (b) => b.tables.map((t) => `<h3>${esc(t.name)}</h3><table class="grid">
    <thead><tr>${t.fields.map((f) => `<th>${esc(f.field_name)}<small>${FIELD_TYPES[f.type] || `type ${esc(f.type)}`}</small></th>`).join("")}</tr></thead>
    <tbody>${t.records.map((r) => `<tr>${t.fields.map((f) => `<td>${cell(r.fields[f.field_name])}</td>`).join("")}</tr>`).join("")}</tbody></table>`).join("");

  async function detail(item) {
    const tok = encodeURIComponent(item.token);
    let html = "";
    if (item.kind === "docx") {
      const d = await get(`${base()}/docs/${tok}`);
      html = `<div class="doc">${d.blocks.map(block).join("")}</div>`;
    } else if (item.kind === "sheet") {
      html = sheet(await get(`${base()}/sheets/${tok}`));
    } else if (item.kind === "bitable") {
      html = bitable(await get(`${base()}/bitables/${tok}`));
    }
    const p = await get(`${base()}/permissions/${tok}`).catch(() => ({ members: [] }));
    const members = (p.members || []).map((m) => `${esc(m.member_id)} <span class="pill">${esc(m.perm)}</span>`).join(", ");
    const c = await get(`${base()}/files/${tok}/comments`).catch(() => ({ comments: [] }));
    const threads = (c.comments || []).map((t) => `<li><span class="pill ${t.solved ? "ok" : ""}">${t.solved ? "resolved" : "open"}</span>
      <ul>${t.replies.map((r) => `<li><b>${esc(r.user_id)}</b>: ${esc(r.text)}</li>`).join("")}</ul></li>`).join("");
    return `${html}<p class="muted">Shared with: ${members || "nobody yet"}</p>${threads ? `<h4>Comments</h4><ul class="items comments">${threads}</ul>` : ""}`;
  }

  const when = (t) => new Date(Number(t.timestamp) * 1000).toLocaleString();

  // The wiki's trees, the calendar's events and the tasks, each only when there are some.
  function extras(w) {
    const spaces = (w.wiki || []).map((s) => `<li><b>${esc(s.name)}</b><ul>${s.nodes.map((n) =>
      `<li style="margin-left:${n.depth}em"><span class="pill">${esc(n.obj_type)}</span> ${esc(n.title || n.node_token)}</li>`).join("")}</ul></li>`).join("");
    const events = (w.events || []).map((e) => `<li><b>${esc(e.summary)}</b> <small>${when(e.start_time)} – ${when(e.end_time)}</small>
      <small class="muted">${e.attendees.map(esc).join(", ")}</small></li>`).join("");
    const tasks = (w.tasks || []).map((t) => `<li><span class="pill ${t.status === "done" ? "ok" : ""}">${esc(t.status)}</span> ${esc(t.summary)}
      ${t.due ? `<small>due ${new Date(Number(t.due.timestamp)).toLocaleString()}</small>` : ""}
      <small class="muted">${t.members.filter((m) => m.role === "assignee").map((m) => esc(m.id)).join(", ")}</small></li>`).join("");
    return (spaces ? `<h3>Wiki</h3><ul class="items" id="wiki">${spaces}</ul>` : "")
      + (events ? `<h3>Calendar</h3><ul class="items" id="calendar">${events}</ul>` : "")
      + (tasks ? `<h3>Tasks</h3><ul class="items" id="tasks">${tasks}</ul>` : "");
  }

  async function workspace() {
    const w = await get(`${page()}/workspace`);
    const { items } = w;
    const more = extras(w);
    if (!items.length && !more) return `<p class="muted">The bot has made no documents, sheets or bitables yet.</p>`;
    const parts = [];
    for (const it of items) {
      const open = Panel.selected === it.token;
      parts.push(`<li><button type="button" data-open="${esc(it.token)}" aria-expanded="${open}">
        <span class="pill">${esc(it.kind)}</span> ${esc(it.title || it.token)}${it.comments ? ` <small class="muted">${it.comments} 💬</small>` : ""}</button>
        ${open ? await detail(it) : ""}</li>`);
    }
    return `<ul class="items">${parts.join("")}</ul>${more}`;
  }

  const time = (ms) => new Date(ms).toLocaleTimeString();

  async function inspector() {
    const { deliveries, calls, jobs } = await get(`${page()}/inspector`);
    const events = deliveries.map((d) => `<li><span class="pill ${esc(d.status)}">${esc(d.status)}</span> <b>${esc(d.event_type)}</b> <small class="muted">${time(d.created_ms)}</small>
      <ul>${d.attempts.map((a) => `<li><small>${time(a.at_ms)} ${esc(a.transport)}${a.connection_id ? ` #${a.connection_id}` : ""}: ${esc(a.result)}${a.code ? ` ${a.code}` : ""}${a.data ? ` <code>${esc(a.data).slice(0, 120)}</code>` : ""}</small></li>`).join("")}</ul></li>`).join("");
    const api = calls.map((c) => `<li><span class="pill ${c.status < 400 && !c.code ? "ok" : "err"}">${c.status}${c.code ? ` · ${c.code}` : ""}</span> <b>${esc(c.method)}</b> <small>${esc(c.path)}</small> <small class="muted">${time(c.at_ms)}</small></li>`).join("");
    const rows = (jobs || []).map((j) => `<li><span class="pill ${j.enabled ? "ok" : "muted"}">${j.enabled ? "on" : "off"}</span> <b>${esc(j.name)}</b> <small>${esc(j.schedule)} → ${esc(j.to)}</small>
      <ul><li><small>next: ${esc(j.next)}${j.lastOutcome ? ` · last: ${esc(j.lastOutcome)}` : ""}</small></li></ul></li>`).join("");
    const scheduled = jobs ? `<h3>Scheduled jobs</h3><ul class="items" id="jobs">${rows || "<li class='muted'>none</li>"}</ul>` : "";
    return `${scheduled}<h3>Events to the bot</h3><ul class="items" id="deliveries">${events || "<li class='muted'>none yet</li>"}</ul>
      <h3>The bot's API calls</h3><ul class="items" id="calls">${api || "<li class='muted'>none yet</li>"}</ul>`;
  }

  let shown = "";
  const Panel = {
    app: null,
    selected: null,
    async render(el, S) {
      const html = S.tab === "inspector" ? await inspector() : await workspace();
      if (html !== shown) { el.innerHTML = html; shown = html; }
    },
  };
  return Panel;
})();
