// The chat page: chats on the left, the live conversation and composer in the middle, what the
// bot made on the right (panel.js). Talks to lark-sim's control API; live through server-sent
// events (one "change" event per burst of changes, then the page re-reads what it shows).
"use strict";

const $ = (id) => document.getElementById(id);
const S = {
  app: null, bot: null, chats: [], users: [], chat: null, me: null, messages: [],
  seen: JSON.parse(localStorage.getItem("seen") || "null"), rendered: "", context: null,
  thread: null, picked: [], panel: false, tab: "workspace",
};
const A = () => `/_sim/apps/${encodeURIComponent(S.app)}`;
const P = () => `/_sim/page/apps/${encodeURIComponent(S.app)}`;

async function api(path, opts = {}) {
  const init = { ...opts };
  if (opts.json !== undefined) {
    init.method = init.method || "POST";
    init.headers = { "content-type": "application/json" };
    init.body = JSON.stringify(opts.json);
  }
  const r = await fetch(path, init);
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(body.error || `${r.status} ${path}`);
  return body;
}

function toast(text) {
  const t = $("toast");
  t.textContent = text;
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.hidden = true; }, 2500);
}
const report = (e) => toast(e.message || String(e));

const chat = () => S.chats.find((c) => c.chat_id === S.chat);
const nameOf = (id) => S.users.find((u) => u.open_id === id)?.name || id;
const slug = (name) => name.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, "") || "user";
const personFor = (name) => S.users.find((u) => u.name.toLowerCase() === name.toLowerCase())
  || { open_id: `ou_web_${slug(name)}`, name };

// ---- chats and identity ----

async function loadChats() {
  const r = await api(`${P()}/chats`);
  S.bot = r.bot; S.users = r.users; S.chats = r.chats;
  $("bot-status").textContent = r.connected ? `${r.bot.name} online` : `${r.bot.name} offline`;
  $("bot-status").classList.toggle("online", r.connected > 0);
  if (!S.seen) S.seen = Object.fromEntries(S.chats.map((c) => [c.chat_id, c.count]));
  if (S.chat) S.seen[S.chat] = chat()?.count ?? 0;
  localStorage.setItem("seen", JSON.stringify(S.seen));
  renderChats();
  renderMe();
}

function renderChats() {
  const kinds = { p2p: "DM", group: "Group", topic: "Topics" };
  $("chats").innerHTML = [...S.chats].sort((a, b) => b.last_ms - a.last_ms).map((c) => {
    const unread = c.chat_id === S.chat ? 0 : c.count - (S.seen[c.chat_id] ?? 0);
    return `<li><button type="button" data-chat="${Render.esc(c.chat_id)}" aria-current="${c.chat_id === S.chat}">
      <span>${Render.esc(c.name || c.chat_id)} <span class="kind">${kinds[c.mode]}</span></span>
      ${unread > 0 ? `<span class="badge" aria-label="${unread} unread">${unread}</span>` : "<span></span>"}
      <span class="last">${Render.esc(c.last || "")}</span></button></li>`;
  }).join("");
}

function renderMe() {
  const people = [...S.users];
  if (S.me && !people.some((u) => u.open_id === S.me.open_id)) people.push(S.me);
  $("me").innerHTML = people.map((u) => `<option value="${Render.esc(u.open_id)}"${u.open_id === S.me?.open_id ? " selected" : ""}>${Render.esc(u.name)}</option>`).join("")
    + `<option value="">New person…</option>`;
}

function setMe(person) {
  S.me = person;
  localStorage.setItem("me", JSON.stringify(person));
  renderMe();
  S.rendered = "";
  renderMessages();
}

async function openChat(id) {
  S.chat = id;
  S.thread = null; S.context = null; S.rendered = "";
  localStorage.setItem("chat", id);
  const c = chat();
  if (c?.mode === "p2p" && c.members[0]) setMe(c.members[0]);
  else if (c && !c.members.some((m) => m.open_id === S.me?.open_id) && c.members[0]) setMe(c.members[0]);
  $("chat-title").textContent = c?.name || id;
  $("chat-members").textContent = c ? `${c.members.map((m) => m.name).join(", ")} and ${S.bot.name}` : "";
  $("thread").hidden = true;
  renderContext();
  await loadMessages();
  renderChats();
  $("input").focus();
}

// ---- messages ----

async function loadMessages() {
  if (!S.chat) return;
  const r = await api(`${P()}/chats/${encodeURIComponent(S.chat)}/messages`);
  S.messages = r.items;
  S.seen[S.chat] = r.items.length;
  renderMessages();
}

const isThreadReply = (m) => m.root_id && m.thread_id && m.root_id !== m.message_id;
const repliesOf = (root) => S.messages.filter((m) => m.root_id === root.message_id
  && (m.thread_id || chat()?.mode === "topic"));

function messageHtml(m, inThread) {
  const mine = m.sender.id === S.me?.open_id;
  const time = new Date(+m.create_time).toLocaleTimeString();
  const parent = !inThread && m.parent_id && !isThreadReply(m) && S.messages.find((x) => x.message_id === m.parent_id);
  const quote = parent ? `<div class="quote">${Render.esc(parent.sender.name)}: ${Render.content(parent).replace(/<[^>]+>/g, " ").slice(0, 80)}</div>` : "";
  const groups = {};
  for (const r of m.reactions || []) (groups[r.emoji_type] ||= []).push(r);
  const chips = Object.entries(groups).map(([t, rs]) => {
    const minePick = rs.some((r) => r.operator_id === S.me?.open_id);
    return `<button type="button" data-react="${Render.esc(t)}" class="${minePick ? "mine" : ""}" title="${Render.esc(rs.map((r) => r.operator_name).join(", "))}">${Render.emoji(t)} ${rs.length}</button>`;
  }).join("");
  const replies = !inThread && !m.root_id ? repliesOf(m).length : 0;
  return `<li class="msg${mine ? " mine" : ""}" id="m-${Render.esc(m.message_id)}" data-id="${Render.esc(m.message_id)}" data-type="${Render.esc(m.msg_type)}">
    <div class="meta"><b>${Render.esc(m.sender.name || m.sender.id)}</b><time>${time}</time>
      ${m.updated && !m.deleted && m.msg_type !== "interactive" ? "<span>(edited)</span>" : ""}${m.pinned ? "<span>📌 Pinned</span>" : ""}
      <span class="actions"><button type="button" data-do="reply">Reply</button>
      ${inThread ? "" : '<button type="button" data-do="thread">Thread</button>'}
      <button type="button" data-do="react" aria-label="Add a reaction">☺+</button></span></div>
    <div class="bubble">${quote}${Render.content(m)}</div>
    ${chips ? `<div class="reactions">${chips}</div>` : ""}
    ${replies ? `<button type="button" class="thread-link" data-do="thread">${replies} ${replies === 1 ? "reply" : "replies"}</button>` : ""}
  </li>`;
}

function renderList(el, items, inThread) {
  const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 60;
  el.innerHTML = items.map((m) => messageHtml(m, inThread)).join("")
    || `<li class="muted">No messages yet. Say hello${chat()?.mode === "p2p" ? "" : " (type @ to mention the bot)"}.</li>`;
  if (atBottom || !S.rendered) el.scrollTop = el.scrollHeight;
}

function renderMessages() {
  const key = JSON.stringify([S.messages, S.me, S.thread]);
  if (key === S.rendered) return;
  const first = !S.rendered;
  S.rendered = key;
  const topic = chat()?.mode === "topic";
  const main = S.messages.filter((m) => !isThreadReply(m) && !(topic && m.root_id));
  if (first) $("messages").innerHTML = "";
  renderList($("messages"), main, false);
  const root = S.thread && S.messages.find((m) => m.message_id === S.thread);
  $("thread").hidden = !root;
  if (root) renderList($("thread-messages"), [root, ...repliesOf(root)], true);
}

// ---- composer ----

function renderContext() {
  const c = S.thread ? { text: "Replying in the thread" } : S.context;
  $("context").hidden = !c;
  $("context-text").textContent = c ? c.text : "";
}

function candidates(prefix) {
  const c = chat();
  const list = [{ name: S.bot.name, open_id: S.bot.open_id, bot: true }];
  if (c && c.mode !== "p2p") list.push({ name: "all", open_id: "all" });
  for (const m of c?.members || []) if (m.open_id !== S.me?.open_id) list.push(m);
  return list.filter((p) => p.name.toLowerCase().startsWith(prefix.toLowerCase())).slice(0, 8);
}

function mentionQuery() {
  const el = $("input");
  const m = el.value.slice(0, el.selectionStart).match(/@([^\s@]*)$/);
  return m ? m[1] : null;
}

function showMentions() {
  const q = mentionQuery();
  const list = $("mention-list");
  const items = q === null ? [] : candidates(q);
  list.hidden = !items.length;
  list.innerHTML = items.map((p, i) => `<li role="option" data-i="${i}" aria-selected="${i === 0}">@${Render.esc(p.name)}</li>`).join("");
  showMentions.items = items;
}

function pickMention(i) {
  const p = showMentions.items?.[i];
  if (!p) return;
  const el = $("input");
  const before = el.value.slice(0, el.selectionStart).replace(/@([^\s@]*)$/, `@${p.name} `);
  el.value = before + el.value.slice(el.selectionStart);
  el.selectionStart = el.selectionEnd = before.length;
  if (!S.picked.some((x) => x.open_id === p.open_id)) S.picked.push(p);
  $("mention-list").hidden = true;
  el.focus();
}

// `@Name` becomes the platform's `@_user_N` placeholders: the bot first, then users in order.
function withMentions(text) {
  const used = S.picked.filter((p) => text.includes(`@${p.name}`))
    .sort((a, b) => text.indexOf(`@${a.name}`) - text.indexOf(`@${b.name}`));
  const bot = used.find((p) => p.bot);
  const users = used.filter((p) => !p.bot && p.open_id !== "all");
  const keyed = [...(bot ? [bot] : []), ...users];
  let out = text;
  for (const p of [...used].sort((a, b) => b.name.length - a.name.length)) {
    const key = p.open_id === "all" ? "@_all" : `@_user_${keyed.indexOf(p) + 1}`;
    out = out.split(`@${p.name}`).join(key);
  }
  return { text: out, mention_bot: !!bot, mentions: users.map(({ open_id, name }) => ({ open_id, name })) };
}

// Markdown typed in the composer, as a post a Lark client would send.
function markdownPost(src) {
  const lines = src.split("\n");
  let title = "";
  if (/^#\s+/.test(lines[0])) title = lines.shift().replace(/^#\s+/, "");
  const content = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].startsWith("```")) {
      const code = [];
      const language = lines[i].slice(3).trim() || "plaintext";
      for (i++; i < lines.length && !lines[i].startsWith("```"); i++) code.push(lines[i]);
      content.push([{ tag: "code_block", language, text: code.join("\n") }]);
      continue;
    }
    const line = lines[i].replace(/^\s*[-*]\s+/, "• ").replace(/^#{1,6}\s+/, "");
    const para = [];
    const re = /\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)/g;
    let last = 0, m;
    while ((m = re.exec(line))) {
      if (m.index > last) para.push({ tag: "text", text: line.slice(last, m.index) });
      para.push(m[1] ? { tag: "text", text: m[1], style: ["bold"] } : { tag: "a", text: m[2], href: m[3] });
      last = re.lastIndex;
    }
    if (last < line.length) para.push({ tag: "text", text: line.slice(last) });
    if (para.length) content.push(para);
  }
  return { zh_cn: { title, content } };
}

// Where the next message goes: a reply, a thread reply, or the chat.
function placement() {
  if (S.thread) {
    const root = S.messages.find((m) => m.message_id === S.thread);
    const thread = root?.thread_id || repliesOf(root).find((m) => m.thread_id)?.thread_id
      || `omt_${crypto.randomUUID().replace(/-/g, "").slice(0, 16)}`;
    return { parent_id: S.thread, root_id: S.thread, thread_id: thread };
  }
  return S.context ? { parent_id: S.context.id } : {};
}

async function send(extra) {
  if (!S.chat || !S.me) return;
  const body = { chat_id: S.chat, sender: S.me, ...placement(), ...extra };
  S.context = null;
  renderContext();
  await api(`${A()}/messages`, { json: body });
}

async function sendTyped() {
  const el = $("input");
  const raw = el.value.trim();
  if (!raw) return;
  const m = withMentions(raw);
  const body = $("markdown").checked
    ? { message_type: "post", content: markdownPost(m.text), mention_bot: m.mention_bot, mentions: m.mentions }
    : m;
  el.value = "";
  S.picked = [];
  await send(body);
}

async function upload(file) {
  const image = file.type.startsWith("image/");
  const q = `kind=${image ? "image" : "file"}&name=${encodeURIComponent(file.name)}`;
  const { key } = await api(`${P()}/uploads?${q}`, { method: "POST", body: file });
  await send(image
    ? { message_type: "image", content: { image_key: key } }
    : { message_type: "file", content: { file_key: key, file_name: file.name } });
}

// ---- message actions ----

async function react(id, type, remove) {
  await api(`${A()}/reactions`, { json: { message_id: id, user: S.me, emoji_type: type, action: remove ? "deleted" : "created" } });
}

function openPicker(id, anchor) {
  const p = $("emoji-picker");
  p.innerHTML = Object.keys(Render.EMOJI).map((t) => `<button type="button" data-emoji="${t}" title="${t}">${Render.emoji(t)}</button>`).join("");
  const r = anchor.getBoundingClientRect();
  p.style.left = `${Math.min(r.left, innerWidth - 220)}px`;
  p.style.top = `${Math.max(8, r.top - 120)}px`;
  p.dataset.message = id;
  p.hidden = false;
  p.querySelector("button").focus();
}

async function cardAction(id, act) {
  const r = await api(`${P()}/card_actions`, { json: { message_id: id, user: S.me, action: act } });
  const t = r.response?.toast;
  if (t) toast(t.content || t.i18n?.zh_cn || "OK");
}

async function onMessageClick(e) {
  const li = e.target.closest("li.msg");
  if (!li) return;
  const id = li.dataset.id;
  const m = S.messages.find((x) => x.message_id === id);
  const b = e.target.closest("button");
  if (!b) return;
  if (b.dataset.action && b.tagName === "BUTTON") return cardAction(id, JSON.parse(b.dataset.action));
  if (b.dataset.react) {
    const mine = (m.reactions || []).some((r) => r.emoji_type === b.dataset.react && r.operator_id === S.me.open_id);
    return react(id, b.dataset.react, mine);
  }
  switch (b.dataset.do) {
    case "reply":
      S.context = { id, text: `Replying to ${m.sender.name}` };
      renderContext();
      return $("input").focus();
    case "thread":
      S.thread = isThreadReply(m) ? m.root_id : m.message_id;
      S.rendered = "";
      renderMessages();
      renderContext();
      return $("input").focus();
    case "react": return openPicker(id, b);
  }
}

function onMessageChange(e) {
  const sel = e.target.closest("select[data-action]");
  if (!sel) return;
  const id = sel.closest("li.msg").dataset.id;
  cardAction(id, { ...JSON.parse(sel.dataset.action), option: sel.value }).catch(report);
}

// ---- live refresh ----

let busy = false, dirty = false;
async function refresh() {
  if (busy) { dirty = true; return; }
  busy = true;
  try {
    do {
      dirty = false;
      await loadChats();
      await loadMessages();
      if (S.panel) await Panel.render($("panel-body"), S);
    } while (dirty);
  } catch (e) { report(e); } finally { busy = false; }
}

// ---- wiring ----

function wire() {
  $("chats").addEventListener("click", (e) => {
    const b = e.target.closest("button[data-chat]");
    if (b) openChat(b.dataset.chat).catch(report);
  });
  $("me").addEventListener("change", (e) => {
    const id = e.target.value;
    if (id) return setMe(S.users.find((u) => u.open_id === id) || S.me);
    const name = prompt("Who are you? (a name)");
    if (name && name.trim()) setMe(personFor(name.trim()));
    else renderMe();
  });
  $("app").addEventListener("change", (e) => { localStorage.setItem("app", e.target.value); location.reload(); });
  for (const el of [$("messages"), $("thread-messages")]) {
    el.addEventListener("click", (e) => onMessageClick(e).catch(report));
    el.addEventListener("change", onMessageChange);
  }
  $("emoji-picker").addEventListener("click", (e) => {
    const b = e.target.closest("button[data-emoji]");
    if (!b) return;
    $("emoji-picker").hidden = true;
    react($("emoji-picker").dataset.message, b.dataset.emoji, false).catch(report);
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape") { $("emoji-picker").hidden = true; $("mention-list").hidden = true; }
  });
  document.addEventListener("click", (e) => {
    if (!e.target.closest("#emoji-picker, [data-do=react]")) $("emoji-picker").hidden = true;
  });
  $("close-thread").addEventListener("click", () => { S.thread = null; S.rendered = ""; renderMessages(); renderContext(); });
  $("context-cancel").addEventListener("click", () => { S.context = null; S.thread = null; S.rendered = ""; renderMessages(); renderContext(); });
  const input = $("input");
  input.addEventListener("input", showMentions);
  input.addEventListener("keydown", (e) => {
    const list = $("mention-list");
    if (!list.hidden) {
      const opts = [...list.children];
      let i = opts.findIndex((o) => o.getAttribute("aria-selected") === "true");
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        i = (i + (e.key === "ArrowDown" ? 1 : opts.length - 1)) % opts.length;
        opts.forEach((o, j) => o.setAttribute("aria-selected", String(j === i)));
        return;
      }
      if (e.key === "Enter" || e.key === "Tab") { e.preventDefault(); return pickMention(i); }
    }
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); sendTyped().catch(report); }
  });
  $("mention-list").addEventListener("mousedown", (e) => {
    const li = e.target.closest("li[data-i]");
    if (li) { e.preventDefault(); pickMention(+li.dataset.i); }
  });
  $("composer").addEventListener("submit", (e) => { e.preventDefault(); sendTyped().catch(report); });
  $("upload").addEventListener("change", (e) => {
    const f = e.target.files[0];
    e.target.value = "";
    if (f) upload(f).catch(report);
  });
  $("new-chat").addEventListener("submit", (e) => { e.preventDefault(); createChat(new FormData(e.target)).catch(report); });
  $("toggle-panel").addEventListener("click", () => {
    S.panel = !S.panel;
    $("panel").hidden = !S.panel;
    $("toggle-panel").setAttribute("aria-pressed", String(S.panel));
    if (S.panel) Panel.render($("panel-body"), S).catch(report);
  });
  document.querySelector(".tabs").addEventListener("click", (e) => {
    const b = e.target.closest("[data-tab]");
    if (!b) return;
    S.tab = b.dataset.tab;
    Panel.selected = null;
    document.querySelectorAll(".tabs [data-tab]").forEach((t) => t.setAttribute("aria-selected", String(t === b)));
    Panel.render($("panel-body"), S).catch(report);
  });
  $("panel-body").addEventListener("click", (e) => {
    const b = e.target.closest("[data-open]");
    if (!b) return;
    Panel.selected = Panel.selected === b.dataset.open ? null : b.dataset.open;
    Panel.render($("panel-body"), S).catch(report);
  });
}

async function createChat(form) {
  const mode = form.get("mode");
  const names = String(form.get("members") || "").split(",").map((s) => s.trim()).filter(Boolean);
  const members = names.map(personFor);
  if (mode !== "p2p" && S.me && !members.some((m) => m.open_id === S.me.open_id)) members.unshift(S.me);
  if (!members.length && S.me) members.push(S.me);
  const chatMembers = mode === "p2p" ? members.slice(0, 1) : members;
  const r = await api(`${A()}/chats`, { json: { name: form.get("name"), chat_mode: mode, members: chatMembers, owner: S.me?.open_id } });
  if (mode !== "p2p") await api(`${A()}/bot_added`, { json: { chat_id: r.chat_id, operator: S.me || chatMembers[0] } });
  $("new-chat").reset();
  $("new-chat-box").open = false;
  S.seen[r.chat_id] = 0;
  await loadChats();
  await openChat(r.chat_id);
}

// A first visit to an app without chats gets a DM with Alice and a group with Alice and Bob.
async function seedIfEmpty() {
  if (S.chats.length) return;
  const alice = { open_id: "ou_sim_alice", name: "Alice" };
  const bob = { open_id: "ou_sim_bob", name: "Bob" };
  await api(`${A()}/chats`, { json: { chat_id: "oc_sim_dm_alice", name: "Alice", chat_mode: "p2p", members: [alice] } });
  await api(`${A()}/chats`, { json: { chat_id: "oc_sim_team", name: "Team", chat_mode: "group", members: [alice, bob] } });
  S.seen = null;
  await loadChats();
}

async function main() {
  wire();
  const { apps } = await api("/_sim/apps");
  if (!apps.length) {
    $("hint").textContent = "No app yet: start lark-sim with --app APP_ID:SECRET, or run `openclaw gateway run --sim`.";
    return;
  }
  apps.sort((a, b) => a.app_id.localeCompare(b.app_id));
  S.app = apps.some((a) => a.app_id === localStorage.getItem("app")) ? localStorage.getItem("app") : apps[0].app_id;
  $("app").innerHTML = apps.map((a) => `<option value="${Render.esc(a.app_id)}"${a.app_id === S.app ? " selected" : ""}>${Render.esc(a.bot.app_name)} (${Render.esc(a.app_id)})</option>`).join("");
  Render.setResourceUrl((key) => `${P()}/resources/${encodeURIComponent(key)}`);
  Panel.app = S.app;
  await loadChats();
  await seedIfEmpty();
  const saved = JSON.parse(localStorage.getItem("me") || "null");
  S.me = saved || S.chats[0]?.members[0] || null;
  const start = S.chats.find((c) => c.chat_id === localStorage.getItem("chat")) || S.chats[0];
  if (start) await openChat(start.chat_id);
  new EventSource("/_sim/page/events").addEventListener("change", () => refresh());
}

main().catch(report);
