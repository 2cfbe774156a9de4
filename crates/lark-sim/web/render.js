// Renders message contents as HTML: text with mentions, posts, interactive cards, images,
// files, stickers, merged forwards. Every string from a message is escaped.
"use strict";

const Render = (() => {
  const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) =>
    ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

  // Lark emoji types the picker offers, with how they look here.
  const EMOJI = {
    THUMBSUP: "👍", OK: "👌", SMILE: "😊", LAUGH: "😄", HEART: "❤️", CLAP: "👏",
    APPLAUSE: "👏", DONE: "✅", MUSCLE: "💪", THANKS: "🙏", JIAYI: "➕1", FINGERHEART: "🫰",
    FIRE: "🔥", PARTY: "🎉", THINKING: "🤔", CRY: "😢", EYES: "👀", ROSE: "🌹",
  };
  const emoji = (t) => EMOJI[t] || `:${esc(t)}:`;

  let resourceUrl = (key) => key;
  const setResourceUrl = (f) => { resourceUrl = f; };

  // Inline markdown: code, bold, italic, strikethrough, links, <at> tags, <font> colours.
  function inline(s) {
    let out = esc(s);
    out = out.replace(/`([^`]+)`/g, "<code>$1</code>");
    out = out.replace(/\*\*([^*]+)\*\*/g, "<b>$1</b>");
    out = out.replace(/(^|[^*])\*([^*\s][^*]*)\*/g, "$1<i>$2</i>");
    out = out.replace(/~~([^~]+)~~/g, "<s>$1</s>");
    out = out.replace(/\[([^\]]+)\]\((https?:[^)\s]+)\)/g,
      '<a href="$2" target="_blank" rel="noopener">$1</a>');
    out = out.replace(/&lt;at (?:user_)?id=(?:&quot;|&#39;)?([\w-]+)(?:&quot;|&#39;)?&gt;(.*?)&lt;\/at&gt;/g,
      (_, id, name) => `<span class="at">@${name || (id === "all" ? "all" : id)}</span>`);
    out = out.replace(/&lt;font color=(?:&quot;|&#39;)?(\w+)(?:&quot;|&#39;)?&gt;(.*?)&lt;\/font&gt;/g,
      '<span style="color:var(--$1, $1)">$2</span>');
    return out;
  }

  // Block markdown: headings, fenced code, lists, quotes, rules and paragraphs.
  function md(text) {
    const lines = String(text ?? "").split("\n");
    const out = [];
    let list = null;
    const closeList = () => { if (list) { out.push(`</${list}>`); list = null; } };
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (line.startsWith("```")) {
        closeList();
        const code = [];
        for (i++; i < lines.length && !lines[i].startsWith("```"); i++) code.push(lines[i]);
        out.push(`<pre><code>${esc(code.join("\n"))}</code></pre>`);
        continue;
      }
      const h = line.match(/^(#{1,6})\s+(.*)/);
      const ul = line.match(/^\s*[-*]\s+(.*)/);
      const ol = line.match(/^\s*\d+\.\s+(.*)/);
      if (ul || ol) {
        const tag = ul ? "ul" : "ol";
        if (list !== tag) { closeList(); out.push(`<${tag}>`); list = tag; }
        out.push(`<li>${inline((ul || ol)[1])}</li>`);
        continue;
      }
      closeList();
      if (h) out.push(`<h${Math.min(h[1].length + 2, 6)}>${inline(h[2])}</h${Math.min(h[1].length + 2, 6)}>`);
      else if (/^\s*(---|\*\*\*)\s*$/.test(line)) out.push("<hr>");
      else if (line.startsWith("> ")) out.push(`<div class="quote">${inline(line.slice(2))}</div>`);
      else if (line.trim()) out.push(`<p>${inline(line)}</p>`);
    }
    closeList();
    return out.join("");
  }

  // Text with `@_user_N` placeholders shown as the mentioned names.
  function text(s, mentions) {
    let out = esc(s);
    for (const m of mentions || []) {
      out = out.split(esc(m.key)).join(`<span class="at">@${esc(m.name)}</span>`);
    }
    out = out.replace(/@_all/g, '<span class="at">@all</span>');
    return out.split("\n").map((l) => `<p>${l || "&nbsp;"}</p>`).join("");
  }

  const img = (key) => key
    ? `<a href="${esc(resourceUrl(key))}" target="_blank"><img class="thumb" alt="image" src="${esc(resourceUrl(key))}"></a>`
    : "";

  // A post: `{title, content}` or the same under a locale key.
  function post(c) {
    const body = c.zh_cn || c.en_us || c.ja_jp || c;
    const parts = body.title ? [`<h3>${esc(body.title)}</h3>`] : [];
    for (const para of body.content || []) {
      const inner = para.map((el) => {
        const style = el.style || [];
        let t = esc(el.text);
        if (style.includes("bold")) t = `<b>${t}</b>`;
        if (style.includes("italic")) t = `<i>${t}</i>`;
        if (style.includes("lineThrough")) t = `<s>${t}</s>`;
        if (style.includes("underline")) t = `<u>${t}</u>`;
        switch (el.tag) {
          case "text": return t;
          case "a": return `<a href="${esc(el.href)}" target="_blank" rel="noopener">${t}</a>`;
          case "at": return `<span class="at">@${esc(el.user_name || el.user_id)}</span>`;
          case "img": return img(el.image_key);
          case "media": return `<span class="muted">[video]</span>`;
          case "emotion": return emoji(el.emoji_type);
          case "code_block": return `<pre><code>${esc(el.text)}</code></pre>`;
          case "hr": return "<hr>";
          case "md": return md(el.text);
          default: return t;
        }
      }).join("");
      parts.push(`<div>${inner}</div>`);
    }
    return parts.join("");
  }

  const action = (v) => esc(JSON.stringify(v));

  // One card element; buttons and selects carry their action for the page to send.
  function element(e) {
    const t = (x) => (x && (x.tag === "lark_md" ? md(x.content) : esc(x.content))) || "";
    switch (e.tag) {
      case "markdown": case "lark_md": return `<div class="md" data-element="${esc(e.element_id || "")}">${md(e.content)}</div>`;
      case "plain_text": return `<div>${esc(e.content)}</div>`;
      case "div": return `<div>${t(e.text)}${(e.fields || []).map((f) => `<div>${t(f.text)}</div>`).join("")}</div>`;
      case "hr": return "<hr>";
      case "img": case "image": return img(e.img_key || e.image_key);
      case "note": return `<div class="note">${(e.elements || []).map(element).join(" ")}</div>`;
      case "column_set": return `<div class="card-columns">${(e.columns || []).map((c) =>
        `<div>${(c.elements || []).map(element).join("")}</div>`).join("")}</div>`;
      case "action": return `<div class="card-actions">${(e.actions || []).map(element).join("")}</div>`;
      case "button": {
        const kind = e.type === "primary" || e.type === "primary_filled" ? "primary" : e.type === "danger" ? "danger" : "";
        const act = { tag: "button", value: e.value ?? e.behaviors?.[0]?.value ?? {}, name: e.name };
        return `<button type="button" class="${kind}" data-action="${action(act)}">${t(e.text)}</button>`;
      }
      case "select_static": {
        const opts = (e.options || []).map((o) => `<option value="${esc(o.value)}">${t(o.text)}</option>`).join("");
        const act = { tag: "select_static", value: e.value ?? {}, name: e.name };
        return `<select data-action="${action(act)}"><option value="">${t(e.placeholder) || "Choose…"}</option>${opts}</select>`;
      }
      case "collapsible_panel": return `<details><summary>${t(e.header?.title)}</summary>${(e.elements || []).map(element).join("")}</details>`;
      default: return e.content ? `<div>${esc(e.content)}</div>` : `<div class="muted">[${esc(e.tag)}]</div>`;
    }
  }

  // A card (JSON 1.0 with `elements`, or 2.0 with `body.elements`), header in its colour.
  function card(c) {
    if (!c || c.type === "template") return `<div class="card"><div class="card-body muted">[template card]</div></div>`;
    const h = c.header;
    const tpl = h?.template && h.template !== "default" ? h.template : "";
    const colour = tpl ? ` style="background:var(--${esc(tpl)})"` : "";
    const head = h ? `<div class="card-header ${esc(tpl || "default")}"${colour}>${esc(h.title?.content)}${h.subtitle ? `<div class="note">${esc(h.subtitle.content)}</div>` : ""}</div>` : "";
    const els = c.body?.elements || c.elements || [];
    return `<div class="card">${head}<div class="card-body">${els.map(element).join("")}</div></div>`;
  }

  // The body of any message.
  function content(m) {
    if (m.deleted) return `<span class="recalled">This message was recalled</span>`;
    const c = m.content || {};
    switch (m.msg_type) {
      case "text": return text(c.text, m.mentions);
      case "post": return post(c);
      case "interactive": return card(m.card || (c.type === "card" ? null : c));
      case "image": return img(c.image_key);
      case "file": return `<a class="file" href="${esc(resourceUrl(c.file_key))}" download="${esc(c.file_name)}">📄 ${esc(c.file_name || c.file_key)}</a>`;
      case "sticker": return `<span class="sticker" title="${esc(c.file_key)}">🐻</span>`;
      case "merge_forward": return `<div class="forward">Chat history${(c.messages || []).map((x) => `<div>${esc(x.sender?.name || "")}: ${content(x)}</div>`).join("")}</div>`;
      case "audio": return `<span class="muted">[voice message]</span>`;
      case "media": return `<span class="muted">[video]</span>`;
      case "share_chat": return `<span class="muted">[group card ${esc(c.chat_id)}]</span>`;
      case "share_user": return `<span class="muted">[contact ${esc(c.user_id)}]</span>`;
      default: return `<pre>${esc(JSON.stringify(c, null, 1))}</pre>`;
    }
  }

  return { esc, md, content, emoji, EMOJI, setResourceUrl };
})();
