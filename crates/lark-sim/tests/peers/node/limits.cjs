// The official Node SDK's REST client, unmodified, against lark-sim --platform-limits: thirty
// concurrent updates of one CardKit card (10 per second per card) and twelve concurrent document
// creations (3 per second per app). Prints one JSON line: for each call its HTTP status, platform
// code and the x-ogw-ratelimit-* headers, as the SDK hands them to its caller.
// Usage: node limits.cjs BASE_URL APP_ID APP_SECRET
const lark = require('@larksuiteoapi/node-sdk');

const [base, appId, appSecret] = process.argv.slice(2);
const client = new lark.Client({ appId, appSecret, domain: base, loggerLevel: lark.LoggerLevel.fatal });

// What a caller of the SDK gets: the body on success, the axios error's response on a refusal.
async function outcome(call) {
  try {
    const res = await call();
    return { status: 200, code: res.code };
  } catch (e) {
    const err = Array.isArray(e) ? e[0] : e;
    const r = err && err.response;
    if (!r) return { status: 0, message: String(err && err.message) };
    return {
      status: r.status,
      code: r.data && r.data.code,
      msg: r.data && r.data.msg,
      limit: r.headers['x-ogw-ratelimit-limit'],
      reset: r.headers['x-ogw-ratelimit-reset'],
    };
  }
}

(async () => {
  const cardJson = { schema: '2.0', body: { elements: [{ tag: 'markdown', element_id: 'md', content: 'x' }] } };
  const card = await client.cardkit.v1.card.create({ data: { type: 'card_json', data: JSON.stringify(cardJson) } });
  const cardId = card.data.card_id;
  const cards = await Promise.all(Array.from({ length: 30 }, (_, i) => outcome(() =>
    client.cardkit.v1.card.settings({
      path: { card_id: cardId },
      data: { settings: JSON.stringify({ config: { streaming_mode: false } }), uuid: `s-${i}`, sequence: i + 1 },
    }))));
  const docs = await Promise.all(Array.from({ length: 12 }, (_, i) => outcome(() =>
    client.docx.document.create({ data: { title: `burst ${i}` } }))));
  process.stdout.write(JSON.stringify({ cards, docs }) + '\n');
})().catch((e) => {
  process.stdout.write(JSON.stringify({ failed: 'exception', message: String(e && e.message) }) + '\n');
  process.exit(1);
});
